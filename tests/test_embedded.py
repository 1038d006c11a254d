"""The embedded cluster is stopped by the last process using it, even after one was killed."""

import json
import os
import subprocess
import sys

from app.db.embedded import HANDLES_FILE, forget_dead_handles


def test_killed_processes_are_dropped_from_the_clusters_users(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / HANDLES_FILE).write_text(json.dumps([dead.pid, os.getpid()]))
    forget_dead_handles(tmp_path)
    assert json.loads((tmp_path / HANDLES_FILE).read_text()) == [os.getpid()]


def test_a_cluster_without_a_list_is_left_alone(tmp_path):
    forget_dead_handles(tmp_path)
    assert not (tmp_path / HANDLES_FILE).exists()
