#!/usr/bin/env bash
# Refresh the web page's third-party files in src/storyline/web/static/vendor/ from npm.
# Run by a developer when upgrading them, never at install time: the files are committed,
# so `pip install` needs no Node.js and the page needs no network.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=src/storyline/web/static/vendor
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts \
    leaflet@1.9.4 leaflet.markercluster@1.5.3 topojson-client@3.1.0 world-atlas@2.0.2 >/dev/null)
NM=$TMP/node_modules
rm -rf "$VENDOR" && mkdir -p "$VENDOR"/{leaflet,markercluster,topojson-client,world-atlas}
cp "$NM"/leaflet/dist/leaflet.js "$NM"/leaflet/dist/leaflet.css "$NM"/leaflet/LICENSE "$VENDOR"/leaflet/
cp "$NM"/leaflet.markercluster/dist/{leaflet.markercluster.js,MarkerCluster.css,MarkerCluster.Default.css} \
   "$NM"/leaflet.markercluster/MIT-LICENCE.txt "$VENDOR"/markercluster/
cp "$NM"/topojson-client/dist/topojson-client.min.js "$NM"/topojson-client/LICENSE "$VENDOR"/topojson-client/
cp "$NM"/world-atlas/countries-110m.json "$NM"/world-atlas/countries-50m.json "$NM"/world-atlas/LICENSE "$VENDOR"/world-atlas/
cat > "$VENDOR"/README.md <<'DOC'
# Third-party files served by `storyline serve`

Copied from npm by `scripts/vendor_web_assets.sh`; each folder keeps its package's license.

| folder | npm package | version | license |
|---|---|---|---|
| leaflet | leaflet | 1.9.4 | BSD-2-Clause |
| markercluster | leaflet.markercluster | 1.5.3 | MIT |
| topojson-client | topojson-client | 3.1.0 | ISC |
| world-atlas | world-atlas (countries-110m.json, countries-50m.json) | 2.0.2 | ISC; the outlines are Natural Earth 1:110m and 1:50m admin-0 countries, public domain |

The API docs page (`/docs`) uses Swagger UI from the `fastapi-offline` PyPI package.
DOC
du -sh "$VENDOR"
