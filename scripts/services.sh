#!/usr/bin/env bash
# Make sure the test database servers answer; start them where this machine has them.
# On a laptop without the servers this only says so: the tests that need them skip.
set -u

answers() { # host port
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

wait_for() { # name host port
  for _ in $(seq 1 30); do answers "$2" "$3" && return 0; sleep 1; done
  echo "services: $1 did not start on $2:$3" >&2
  return 0
}

if ! answers 127.0.0.1 5432; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "services: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    wait_for PostgreSQL 127.0.0.1 5432
  else
    echo "services: no PostgreSQL on this machine; its tests will skip"
  fi
fi

if ! answers 127.0.0.1 3306; then
  if [ -x /usr/sbin/mariadbd ]; then
    echo "services: starting MariaDB"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
    wait_for MariaDB 127.0.0.1 3306
  else
    echo "services: no MariaDB on this machine; its tests will skip"
  fi
fi
exit 0
