#!/usr/bin/env bash
# Refreshes iocs/warninglists/*.json from MISP/misp-warninglists (CC0 1.0).
# Usage: scripts/refresh-warninglists.sh [COMMIT-OR-BRANCH]   (default: the latest commit on main)
# Maintenance only: not run by the tests. Review `git diff iocs/warninglists` afterwards and run `npm test`.
set -euo pipefail

repo="MISP/misp-warninglists"
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/iocs/warninglists"
ref="${1:-main}"

# Pin a branch name to the commit it points at now, so MANIFEST.tsv records exactly what was fetched.
if [[ ! "$ref" =~ ^[0-9a-f]{40}$ ]]; then
  ref="$(curl -fsSL "https://api.github.com/repos/${repo}/commits/${ref}" | sed -n 's/^  "sha": "\([0-9a-f]\{40\}\)".*/\1/p' | head -n1)"
  [[ -n "$ref" ]] || { echo "cannot resolve the commit of ${1:-main}" >&2; exit 1; }
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
names="$(tail -n +2 "$dir/MANIFEST.tsv" | cut -f1 | sed 's/\.json$//')"

for name in $names; do
  url="https://raw.githubusercontent.com/${repo}/${ref}/lists/${name}/list.json"
  curl -fsSL --retry 3 --max-time 120 -o "$tmp/${name}.json" "$url"
  # A list must still be a MISP list.json: never replace good data with an error page.
  node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); if(!Array.isArray(d.list)||d.list.length===0||typeof d.name!=="string") process.exit(1)' "$tmp/${name}.json" \
    || { echo "${name}: not a valid list.json" >&2; exit 1; }
done

{
  printf 'file\tsource repo\tpath\tcommit\tlicence\n'
  for name in $names; do printf '%s.json\t%s\tlists/%s/list.json\t%s\tCC0 1.0\n' "$name" "$repo" "$name" "$ref"; done
} > "$tmp/MANIFEST.tsv"

cp "$tmp"/*.json "$tmp/MANIFEST.tsv" "$dir/"
echo "refreshed $(echo "$names" | wc -w) lists at ${repo}@${ref}; review: git diff -- iocs/warninglists" >&2
