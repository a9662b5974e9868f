"""OpenSearch 2.19: one node, HTTP on loopback, assembled from Maven jars like its distribution."""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from devstack.fetch import OPENSEARCH_MODULES, OPENSEARCH_PROFILE
from devstack.layout import Layout
from devstack.process import Managed
from devstack.server import Server
from devstack.settings import DevstackSettings

VERSION = "2.19.6"


@dataclass(frozen=True)
class Module:
    name: str
    classname: str
    extends: str = ""
    policy: str = ""


# Each module's plugin descriptor and security policy, as the official distribution ships them.
MODULES = (
    Module(
        "transport-netty4",
        "org.opensearch.transport.Netty4Plugin",
        policy="""grant {
  permission java.io.FilePermission "/proc/sys/net/core/somaxconn", "read";
  permission java.net.SocketPermission "*", "accept,connect";
  permission java.lang.RuntimePermission "*", "setContextClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
  permission java.util.PropertyPermission "sun.nio.ch.bugLevel", "write";
};
""",
    ),
    Module(
        "lang-painless",
        "org.opensearch.painless.PainlessPlugin",
        policy="""grant {
  permission java.lang.RuntimePermission "createClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
};
""",
    ),
    Module(
        "analysis-common",
        "org.opensearch.analysis.common.CommonAnalysisPlugin",
        extends="lang-painless",
    ),
)

LOG4J2 = """status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
"""


# OpenSearch refuses to run as root; as root (CI, containers) the node runs as this user instead.
UNPRIVILEGED_UID = 65534


def as_root() -> bool:
    return os.geteuid() == 0


def others_can_reach(path: Path) -> bool:
    """Whether another user may walk down to `path` (every folder on the way has o+x)."""
    return all(p.stat().st_mode & 0o001 for p in (path, *path.parents) if p.exists())


def outside(layout: Layout) -> bool:
    """As root, the node runs as `nobody`, which may not reach a project under, say, /root."""
    return as_root() and not others_can_reach(layout.root)


def home(layout: Layout) -> Path:
    """The node's home, data and logs: in the project folder, unless its user can't reach it."""
    if outside(layout):
        digest = hashlib.sha1(str(layout.root).encode()).hexdigest()[:10]
        return Path("/var/tmp") / f"mcu-opensearch-{digest}"
    return layout.root / "opensearch"


def assemble(layout: Layout) -> Path:
    """Lays out lib/ and modules/ as the tar distribution has them (jars linked, not copied)."""
    root = home(layout)
    server_lib = layout.lib / OPENSEARCH_PROFILE
    server_jars = {p.name for p in server_lib.glob("*.jar")}
    _link_dir(root / "lib", sorted(server_lib.glob("*.jar")))
    for module in MODULES:
        jars = [
            p
            for p in (layout.lib / OPENSEARCH_MODULES[module.name]).glob("*.jar")
            if p.name not in server_jars
        ]
        target = root / "modules" / module.name
        _link_dir(target, sorted(jars))
        (target / "plugin-descriptor.properties").write_text(
            "\n".join(
                [
                    f"description=OpenSearch module {module.name}",
                    f"version={VERSION}",
                    f"name={module.name}",
                    f"classname={module.classname}",
                    "java.version=11",
                    f"opensearch.version={VERSION}",
                    f"extended.plugins={module.extends}",
                    "has.native.controller=false",
                    "",
                ]
            )
        )
        if module.policy:
            (target / "plugin-security.policy").write_text(module.policy)
    (root / "plugins").mkdir(parents=True, exist_ok=True)
    return root


def _link_dir(target: Path, jars: list[Path]) -> None:
    """Hard links (copies across file systems): the node's security manager lets it read only
    below its home, so symbolic links to the Maven cache would be refused."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for jar in jars:
        try:
            os.link(jar, target / jar.name)
        except OSError:
            shutil.copyfile(jar, target / jar.name)


def _chown_tree(root: Path, uid: int) -> None:
    for folder, dirs, files in os.walk(root):
        os.chown(folder, uid, uid)
        for name in (*dirs, *files):
            os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)


def config(layout: Layout, cfg: DevstackSettings) -> str:
    return "\n".join(
        [
            "cluster.name: mcu-devstack",
            "node.name: mcu-node-1",
            f"path.data: {home(layout) / 'data'}",
            f"path.logs: {home(layout) / 'logs'}",
            "network.host: 127.0.0.1",
            f"http.port: {cfg.opensearch_port}",
            f"transport.port: {cfg.opensearch_transport_port}",
            "discovery.type: single-node",
            # One disk on a dev machine: don't stop writing at 90 % full.
            "cluster.routing.allocation.disk.threshold_enabled: false",
            "action.auto_create_index: true",
            "",
        ]
    )


def opensearch_server(layout: Layout, cfg: DevstackSettings) -> Server:
    process = Managed("opensearch", layout.run)

    def start() -> None:
        root = assemble(layout)
        conf = root / "config"
        tmp = root / "tmp"
        for folder in (conf, tmp, root / "data", root / "logs"):
            folder.mkdir(parents=True, exist_ok=True)
        (conf / "opensearch.yml").write_text(config(layout, cfg))
        (conf / "log4j2.properties").write_text(LOG4J2)
        (conf / "jvm.options").write_text("")
        user: list[str] = []
        if as_root():
            _chown_tree(root, UNPRIVILEGED_UID)
            user = [
                "setpriv",
                f"--reuid={UNPRIVILEGED_UID}",
                f"--regid={UNPRIVILEGED_UID}",
                "--clear-groups",
            ]
        argv = [
            *user,
            "java",
            f"-Xms{cfg.opensearch_heap}",
            f"-Xmx{cfg.opensearch_heap}",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            "-Dfile.encoding=UTF-8",
            "-Djna.nosys=true",
            "-Dio.netty.noUnsafe=true",
            "-Dio.netty.noKeySetOptimization=true",
            "-Dio.netty.recycler.maxCapacityPerThread=0",
            "-Dlog4j.shutdownHookEnabled=false",
            "-Dlog4j2.disable.jmx=true",
            f"-Djava.io.tmpdir={tmp}",
            f"-Duser.home={tmp}",
            f"-Dopensearch.path.home={root}",
            f"-Dopensearch.path.conf={conf}",
            "-Dopensearch.distribution.type=tar",
            "-Dopensearch.bundled_jdk=false",
            "-cp",
            f"{root / 'lib'}/*",
            "org.opensearch.bootstrap.OpenSearch",
        ]
        process.start(
            argv, marker=f"-Dopensearch.path.home={root}", env={"OPENSEARCH_TMPDIR": str(tmp)}
        )

    def ready() -> bool:
        url = f"http://127.0.0.1:{cfg.opensearch_port}/_cluster/health?wait_for_status=yellow&timeout=1s"
        try:
            with urllib.request.urlopen(url, timeout=3) as resp:
                return bool(resp.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    return Server(
        name="opensearch",
        title="OpenSearch",
        address=f"http://127.0.0.1:{cfg.opensearch_port}",
        process=process,
        start=start,
        ready=ready,
    )
