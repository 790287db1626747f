# SPDX-License-Identifier: MIT
"""examples/masquerading_process_names.ipynb runs headless (jupyter nbconvert --execute) without errors."""
import json
import os
import subprocess
import sys

import pytest


def test_example_notebook_runs(root, tmp_path):
    pytest.importorskip("nbconvert")
    pytest.importorskip("ipykernel")
    notebook = root / "examples" / "masquerading_process_names.ipynb"
    out = tmp_path / "executed.ipynb"
    # The notebook's kernel ("python3") is this interpreter (the project's .venv under `make test`),
    # where masq and its dependencies are installed: a kernelspec of that name on JUPYTER_PATH,
    # which Jupyter searches before the user's and the system's kernels.
    kernels = tmp_path / "jupyter" / "kernels" / "python3"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (masq tests)", "language": "python"}))
    env = dict(os.environ, JUPYTER_PATH=os.pathsep.join(
        [str(tmp_path / "jupyter")] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]))
    specs = subprocess.run([sys.executable, "-m", "jupyter", "kernelspec", "list", "--json"], env=env,
                           capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(specs.stdout)["kernelspecs"]["python3"]["spec"]["argv"][0] == sys.executable
    run = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                          "--ExecutePreprocessor.timeout=300", "--ExecutePreprocessor.kernel_name=python3",
                          "--output", str(out), str(notebook)],
                         cwd=notebook.parent, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    cells = json.loads(out.read_text())["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join("".join(o.get("text", "")) for o in outputs)
    # The seed-mode finding on the sample and the synthetic examples were printed.
    assert "Your anomalies: 1; hard-coded examples:" in text
    assert "842 synthetic events, 42 of them misspelled" in text
    # The findings were sent through masq.send (to the local stand-in of the Logs Ingestion API).
    assert "the stand-in received" in text and "'spooled': 0" in text
