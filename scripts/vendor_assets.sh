#!/usr/bin/env bash
# Copies the pinned front-end packages from node_modules into the app's static files, so pages
# load every asset from this server (stations run on offline intranets: no CDN, no external URL).
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/yizhan/core/static/vendor
rm -rf "$out" && mkdir -p "$out/bootstrap" "$out/htmx" "$out/echarts" "$out/swagger-ui"
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$out/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$out/bootstrap/"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/"
cp node_modules/echarts/dist/echarts.min.js "$out/echarts/"
# /api/docs: the Swagger UI bundle and its stylesheet (our own template and init script start it).
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css "$out/swagger-ui/"
# Source-map comments point at files we do not ship; strip them so nothing asks for them.
sed -i '/sourceMappingURL=/d' "$out"/*/*.js "$out"/*/*.css
