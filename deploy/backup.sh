#!/usr/bin/env bash
# Back up Stride: the PostgreSQL database (pg_dump custom format) and the media files (a tarball).
#
#   DATABASE_URL=postgres://user:pass@host:5432/stride MEDIA_ROOT=/srv/media \
#     deploy/backup.sh /backups/2026-11-23
#
# Writes <dir>/database.dump, <dir>/media.tar.gz (when MEDIA_ROOT exists) and <dir>/SHA256SUMS.
# Media on S3 (AWS_STORAGE_BUCKET_NAME) is not copied here: turn on bucket versioning and
# replication instead (deploy/README.md, "Backups").
set -Eeuo pipefail

dest=${1:?usage: backup.sh <destination directory>}
: "${DATABASE_URL:?DATABASE_URL must point at the database to back up}"
media=${MEDIA_ROOT:-}

mkdir -p "$dest"
umask 077  # dumps hold personal data

# --no-owner/--no-acl: the dump restores into a database owned by any role.
pg_dump --dbname="$DATABASE_URL" --format=custom --compress=6 --no-owner --no-acl \
  --file="$dest/database.dump"
pg_restore --list "$dest/database.dump" >/dev/null  # the archive is readable

if [[ -n "$media" && -d "$media" ]]; then
  tar --create --gzip --file="$dest/media.tar.gz" --directory="$media" .
fi

(cd "$dest" && sha256sum database.dump $( [[ -f media.tar.gz ]] && echo media.tar.gz ) >SHA256SUMS)
echo "backup written to $dest: $(cd "$dest" && ls | tr '\n' ' ')"
