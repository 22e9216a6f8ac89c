"""deploy/k8s: every tier the deploy docs promise is there and wired the same way."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"


def _objects():
    for name in yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]:
        yield from (o for o in yaml.safe_load_all((K8S / name).read_text()) if o)


OBJECTS = list(_objects())


def _by_kind(kind):
    return {o["metadata"]["name"]: o for o in OBJECTS if o["kind"] == kind}


def _containers(deployment):
    return deployment["spec"]["template"]["spec"]["containers"]


@pytest.mark.parametrize("queue", settings.CELERY_TASK_QUEUES_NAMES)
def test_each_queue_has_its_worker_autoscaler_and_disruption_budget(queue):
    name = f"stride-worker-{queue}"
    deployment = _by_kind("Deployment")[name]
    command = _containers(deployment)[0]["command"]
    assert command[command.index("-Q") + 1] == queue
    assert _by_kind("HorizontalPodAutoscaler")[name]["spec"]["scaleTargetRef"]["name"] == name
    assert name in _by_kind("PodDisruptionBudget")
    env = {e["name"]: e.get("value") for e in _containers(deployment)[0]["env"]}
    assert env["CELERY_METRICS_PORT"] and env["PROMETHEUS_MULTIPROC_DIR"]


@pytest.mark.parametrize("name", ["stride-web", "stride-ws"])
def test_web_and_ws_have_probes_autoscaling_and_budgets(name):
    container = _containers(_by_kind("Deployment")[name])[0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert name in _by_kind("HorizontalPodAutoscaler")
    assert name in _by_kind("PodDisruptionBudget")


def test_beat_runs_exactly_once():
    beat = _by_kind("Deployment")["stride-beat"]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"]["type"] == "Recreate"
    assert "stride-beat" not in _by_kind("HorizontalPodAutoscaler")


def test_secrets_come_from_the_secret_not_the_manifests():
    for deployment in _by_kind("Deployment").values():
        for container in _containers(deployment):
            refs = [src.get("secretRef", {}).get("name") for src in container.get("envFrom", [])]
            assert "stride-secrets" in refs, deployment["metadata"]["name"]
            for var in container.get("env", []):
                assert not any(w in var["name"] for w in ("SECRET", "PASSWORD", "TOKEN", "KEY"))
    assert all(o["kind"] != "Secret" for o in OBJECTS)
