#!/bin/sh
# Install the Debian packages listed in packages.txt that are missing, and the
# npm test tooling in package.json. Does nothing when everything is present.
set -eu
cd "$(dirname "$0")/.."
missing=""
for p in $(grep -v '^#' packages.txt | grep -v '^$'); do
	# npm is satisfied by the node installation's own npm
	if [ "$p" = npm ] && command -v npm >/dev/null 2>&1; then continue; fi
	if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
	if [ "$p" = nginx-light ] && command -v nginx >/dev/null 2>&1; then continue; fi
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "make deps: missing Debian packages:$missing" >&2
		echo "make deps: run 'make deps' as root (or: sudo apt-get install$missing)" >&2
		exit 1
	fi
	echo "make deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/html-validate ]; then
	echo "make deps: installing npm test tooling (playwright-core, html-validate)"
	npm install --no-audit --no-fund --loglevel=error >/dev/null
fi
