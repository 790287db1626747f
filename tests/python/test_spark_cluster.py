# SPDX-License-Identifier: MIT
"""masq.spark.detect_files on a standalone Spark cluster: a master and one worker, two JVMs of their
own on loopback (not local mode), started with pyspark's bundled bin/spark-class and stopped
whatever happens. The executors are separate processes started by the worker; they import the
same masq (PYSPARK_PYTHON is this interpreter), read their tasks and send partial profiles back."""
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pyspark = pytest.importorskip("pyspark")
from pyspark.sql import SparkSession  # noqa: E402

from masq import spark as masq_spark  # noqa: E402
from masq_helpers import assert_same_findings, cli_findings, frame_records  # noqa: E402

JAVA = shutil.which("java") or (os.environ.get("JAVA_HOME") and
                                 shutil.which("java", path=os.path.join(os.environ["JAVA_HOME"], "bin")))
pytestmark = pytest.mark.skipif(not JAVA, reason="no Java runtime (java not on PATH, no JAVA_HOME): Spark needs one")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, deadline, procs, logs):
    while time.monotonic() < deadline:
        for p, log in zip(procs, logs):
            if p.poll() is not None:
                raise RuntimeError(f"{what}: a JVM exited with {p.returncode}:\n{pathlib.Path(log).read_text()[-3000:]}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{what}: not ready in time:\n" + "\n".join(pathlib.Path(l).read_text()[-2000:] for l in logs))


def stop(proc):
    """Stops a JVM and what it started (its executors: same process group)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    else:  # the JVM is gone; executors it left (if any) go with its group
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """spark://127.0.0.1:PORT with one worker (2 cores); both JVMs stopped at teardown."""
    home = pathlib.Path(pyspark.__file__).resolve().parent
    spark_class = home / "bin" / "spark-class"
    work = tmp_path_factory.mktemp("spark-cluster")
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable,
           "SPARK_LOG_DIR": str(work), "SPARK_WORKER_DIR": str(work / "worker")}
    port, ui, worker_ui = free_port(), free_port(), free_port()
    url = f"spark://127.0.0.1:{port}"
    procs, logs = [], []

    def start(name, *args):
        log = work / f"{name}.log"
        logs.append(log)
        with open(log, "wb") as out:
            procs.append(subprocess.Popen(["bash", str(spark_class), *args], env=env, stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True))

    try:
        start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
              "--webui-port", str(ui))
        deadline = time.monotonic() + 120

        def master_up():
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        wait_for("master", master_up, deadline, procs, logs)
        start("worker", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "2",
              "--memory", "1g", "--webui-port", str(worker_ui), "--work-dir", str(work / "worker"), url)

        def worker_registered():
            with urllib.request.urlopen(f"http://127.0.0.1:{ui}/json/", timeout=2) as r:
                return json.load(r).get("aliveworkers", 0) >= 1
        wait_for("worker registration", worker_registered, deadline, procs, logs)
        yield url
    finally:
        for p in reversed(procs):
            stop(p)


@pytest.fixture(scope="module")
def spark(cluster):
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark import SparkContext
    if SparkContext._active_spark_context is not None:  # a local session another module left: getOrCreate would reuse it
        SparkContext._active_spark_context.stop()
    session = (SparkSession.builder.master(cluster).appName("masq-cluster-test")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.executor.memory", "512m")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


@pytest.mark.parametrize("mode", ["seed", "full"])
def test_cluster_findings_equal_cli(spark, cluster, masq_bin, root, generated, mode):
    assert spark.sparkContext.master == cluster
    inputs = [root / "data" / "sample" / "securityevent-sample.json.gz", generated]
    found = frame_records(masq_spark.detect_files(spark, [str(p) for p in inputs], mode=mode, as_pandas=True,
                                                  min_range=64 << 10))
    assert found
    assert_same_findings(found, cli_findings(masq_bin, inputs, mode))
    # The tasks ran in the worker's executors, not in this process.
    executors = spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size()
    assert executors >= 2  # the driver and at least one executor
