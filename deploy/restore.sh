#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database (and media folder).
#
#   DATABASE_URL=postgres://user:pass@host:5432/stride_restored MEDIA_ROOT=/srv/media \
#     deploy/restore.sh /backups/2026-11-23
#
# Refuses a database that already has tables, so it never mixes two states. Create the empty
# database first (createdb, or your provider's console). Then run `manage.py migrate` (a no-op
# when the code matches the backup) and start the processes.
set -Eeuo pipefail

src=${1:?usage: restore.sh <backup directory>}
: "${DATABASE_URL:?DATABASE_URL must point at the empty database to restore into}"
media=${MEDIA_ROOT:-}

(cd "$src" && sha256sum --check --quiet SHA256SUMS)

tables=$(psql "$DATABASE_URL" -Atc \
  "select count(*) from pg_tables where schemaname not in ('pg_catalog','information_schema')")
if [[ "$tables" != "0" ]]; then
  echo "refusing to restore: the target database already has $tables tables" >&2
  exit 2
fi

pg_restore --dbname="$DATABASE_URL" --no-owner --no-acl --exit-on-error --jobs=2 \
  "$src/database.dump"

if [[ -f "$src/media.tar.gz" ]]; then
  : "${media:?the backup has media: set MEDIA_ROOT to the folder to restore it into}"
  mkdir -p "$media"
  if [[ -n "$(ls -A "$media")" ]]; then
    echo "refusing to restore media: $media is not empty" >&2
    exit 2
  fi
  tar --extract --gzip --file="$src/media.tar.gz" --directory="$media" --no-same-owner
fi
echo "restored $src into the database and ${media:-no media folder}"
