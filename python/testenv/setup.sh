#!/usr/bin/env bash
# Installs the Python environments that tests and benchmarks use as real writers and oracles
# (MLflow, TensorBoard...), one virtual environment per file in python/testenv/*.txt, into
# python/.venvs/<name> (git-ignored). An environment is reused while its requirements file is
# unchanged; a changed file rebuilds it. Only PyPI is used.
#
#   bash python/testenv/setup.sh            # all environments
#   bash python/testenv/setup.sh mlflow3    # just one
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venvs="$(dirname "$here")/.venvs"
python="${PYTHON:-python3}"
mkdir -p "$venvs"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for file in "$here"/*.txt; do names+=("$(basename "$file" .txt)"); done
fi

install() {
  local name="$1" requirements="$here/$1.txt" venv="$venvs/$1"
  [ -f "$requirements" ] || { echo "python/testenv/$name.txt does not exist" >&2; return 1; }
  local wanted
  wanted="$(cat "$requirements" "$here/setup.sh" | sha256sum | cut -c1-16)"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.ml-lifecycle-stamp" 2>/dev/null)" = "$wanted" ]; then
    echo "python/.venvs/$name: up to date"
    return 0
  fi
  echo "python/.venvs/$name: installing $(grep -v '^#' "$requirements" | xargs)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  local attempt
  for attempt in 1 2 3; do
    if "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"; then
      echo "$wanted" >"$venv/.ml-lifecycle-stamp"
      "$venv/bin/python" -m pip freeze --disable-pip-version-check >"$venv/.frozen.txt"
      return 0
    fi
    echo "pip install for $name failed (attempt $attempt of 3)" >&2
    sleep 5
  done
  return 1
}

pids=()
for name in "${names[@]}"; do
  install "$name" &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status
