#!/usr/bin/env python3
"""Checks the manifests of this folder without a cluster: each parses as YAML, each object has
apiVersion, kind and metadata.name, every volume a container mounts is declared, every gRPC probe
asks the port given to --health-port, and the grid Job's completions equal the size of its grid.
Exits 1 naming the file and the object at fault.
    python3 releng/kubernetes/check-manifests.py"""
import pathlib
import sys

import yaml

here = pathlib.Path(__file__).resolve().parent
errors = []
objects = {}
for path in sorted(here.glob("*.yaml")):
    for doc in yaml.safe_load_all(path.read_text()):
        if doc is None:
            continue
        name = (doc.get("metadata") or {}).get("name")
        where = f"{path.name}: {doc.get('kind')}/{name}"
        if not doc.get("apiVersion") or not doc.get("kind") or not name:
            errors.append(f"{where}: needs apiVersion, kind and metadata.name")
            continue
        objects[(doc["kind"], name)] = doc
        spec = doc.get("spec") or {}
        pod = (spec.get("template") or {}).get("spec")
        if pod is None:
            continue
        volumes = {v["name"] for v in pod.get("volumes", [])}
        for c in pod.get("containers", []):
            if not c.get("image"):
                errors.append(f"{where}: container {c.get('name')} has no image")
            for m in c.get("volumeMounts", []):
                if m["name"] not in volumes:
                    errors.append(f"{where}: mounts {m['name']}, which is not among its volumes {sorted(volumes)}")
            args = [str(a) for a in c.get("args", [])]
            health = args[args.index("--health-port") + 1] if "--health-port" in args else None
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                grpc = (c.get(probe) or {}).get("grpc")
                if grpc is not None and str(grpc.get("port")) != health:
                    errors.append(f"{where}: {probe} asks port {grpc.get('port')}, the plain health port is {health}")
        for v in pod.get("volumes", []):
            claim = (v.get("persistentVolumeClaim") or {}).get("claimName")
            if claim and ("PersistentVolumeClaim", claim) not in objects:
                errors.append(f"{where}: volume {v['name']} claims {claim}, which no manifest here declares")
            cm = (v.get("configMap") or {}).get("name")
            if cm and ("ConfigMap", cm) not in objects:
                errors.append(f"{where}: volume {v['name']} uses ConfigMap {cm}, which no manifest here declares")
grid = objects.get(("ConfigMap", "privtune-grid"))
job = objects.get(("Job", "privtune-grid"))
if grid and job:
    size = len(grid["data"]["MECHANISMS"].split()) * len(grid["data"]["EPS"].split())
    if job["spec"].get("completionMode") != "Indexed" or job["spec"].get("completions") != size:
        errors.append(f"experiment-grid.yaml: Job/privtune-grid must be Indexed with {size} completions"
                      f" (MECHANISMS x EPS), has {job['spec'].get('completions')}")
for e in errors:
    print(e, file=sys.stderr)
print(f"{len(objects)} objects in {len(list(here.glob('*.yaml')))} files; {len(errors)} problem(s)")
sys.exit(1 if errors else 0)
