"""Dovecot (Debian's dovecot-imapd) on loopback: the administration's mailbox for the IMAP
connector. Config, mail and logs live under the devstack folder; no system config is read."""

from __future__ import annotations

import grp
import hashlib
import os
import pwd
import shutil
import socket
from pathlib import Path

from devstack.fetch import MissingTool
from devstack.layout import Layout
from devstack.opensearch import outside
from devstack.process import Managed
from devstack.server import Server
from devstack.settings import DevstackSettings

HINT = "Установите пакет Debian: apt-get install dovecot-imapd."


def binary() -> str:
    path = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not Path(path).exists():
        raise MissingTool(f"Не найден «dovecot». {HINT}")
    return path


def _users() -> tuple[str, str, str, str]:
    """(mail uid, mail gid, login user, internal user): root hands mail to nobody."""
    if os.getuid() == 0:
        return "nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name, "dovenull", "dovecot"
    me = pwd.getpwuid(os.getuid()).pw_name
    return str(os.getuid()), str(os.getgid()), me, me


def mail_home(layout: Layout) -> Path:
    """The mailboxes: in the devstack folder, unless `nobody` (as root) cannot reach it."""
    if outside(layout):
        digest = hashlib.sha1(str(layout.root).encode()).hexdigest()[:10]
        return Path("/var/tmp") / f"mcu-dovecot-{digest}"
    return layout.data / "mail"


def sockets(layout: Layout) -> Path:
    """Dovecot's unix sockets: a short path, since a socket path is limited to 107 bytes."""
    digest = hashlib.sha1(str(layout.root).encode()).hexdigest()[:10]
    return Path("/tmp") / f"mcu-dovecot-{digest}"


def config(layout: Layout, cfg: DevstackSettings) -> str:
    home = mail_home(layout)
    uid, gid, login, internal = _users()
    return f"""# Written by `mcu devstack up`; the local IMAP server of the devstack.
protocols = imap
listen = 127.0.0.1
base_dir = {sockets(layout)}
state_dir = {layout.data / "dovecot-state"}
instance_name = mcu-devstack-{cfg.imap_port}
log_path = {layout.run / "dovecot-server.log"}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{home}/%u
first_valid_uid = 1
default_login_user = {login}
default_internal_user = {internal}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {layout.conf / "dovecot" / "users"}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={home}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {cfg.imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 100
}}
"""


def dovecot_server(layout: Layout, cfg: DevstackSettings) -> Server:
    process = Managed("dovecot", layout.run)
    conf = layout.conf / "dovecot"
    path = conf / "dovecot.conf"

    def start() -> None:
        program = binary()
        conf.mkdir(parents=True, exist_ok=True)
        for folder in (mail_home(layout), layout.data / "dovecot-state", sockets(layout)):
            folder.mkdir(parents=True, exist_ok=True)
        path.write_text(config(layout, cfg))
        users = conf / "users"
        users.write_text(f"{cfg.imap_user}:{{PLAIN}}{cfg.imap_password}\n")
        uid, gid, _, _ = _users()
        if os.getuid() == 0:
            shutil.chown(mail_home(layout), uid, gid)
        process.start([program, "-F", "-c", str(path)], marker=str(path))

    def ready() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", cfg.imap_port), timeout=2) as sock:
                return sock.recv(64).startswith(b"* OK")
        except OSError:
            return False

    return Server(
        name="dovecot",
        title="IMAP (Dovecot)",
        address=f"127.0.0.1:{cfg.imap_port}",
        process=process,
        start=start,
        ready=ready,
        timeout=30,
    )
