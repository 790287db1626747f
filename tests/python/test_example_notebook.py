# SPDX-License-Identifier: MIT
"""examples/masquerading_process_names.ipynb runs headless (jupyter nbconvert --execute) without errors."""
import json
import subprocess
import sys

import pytest


def test_example_notebook_runs(root, tmp_path):
    pytest.importorskip("nbconvert")
    notebook = root / "examples" / "masquerading_process_names.ipynb"
    out = tmp_path / "executed.ipynb"
    run = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                          "--ExecutePreprocessor.timeout=300", "--output", str(out), str(notebook)],
                         cwd=notebook.parent, capture_output=True, text=True, timeout=600)
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
