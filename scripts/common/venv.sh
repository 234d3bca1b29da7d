# Sourced by the scripts: make sure .venv exists and holds this project with its
# dev dependencies, at the versions pinned in constraints.txt (the build's bytes
# depend on them: Parquet files record their writer). Reinstalls only when
# pyproject.toml or constraints.txt changed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
venv="$root/.venv"
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
  echo "statpub: creating $venv" >&2
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
fi
stamp="$venv/.statpub-installed"
want=$(cat "$root/pyproject.toml" "$root/constraints.txt" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "statpub: installing statpub and its dependencies into $venv" >&2
  "$venv/bin/python" -m pip install --quiet -c "$root/constraints.txt" -e "$root[dev]" >&2
  echo "$want" > "$stamp"
fi
export PATH="$venv/bin:$PATH"
