"""anntools tests read the sample files from shared/ and need the reference data installed."""
from pathlib import Path

import pytest

from anntools.install_reference import install

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO.parent / "shared" / "data" / "sample_vcfs"
CSQ_CASES = REPO.parent / "shared" / "data" / "reference" / "bcftools_csq_cases"


@pytest.fixture(scope="session", autouse=True)
def reference_data():
    # Quick when already installed (the Makefile runs it before the tests).
    return install(quiet=True)


def write_vcf(path, body, header="##fileformat=VCFv4.2\n##reference=GRCh38\n"):
    path.write_text(header + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n" + body)
    return path


def info_of(annot_path):
    """{(chrom, pos, alt): {key: value}} of the INFO of each data line."""
    out = {}
    for line in Path(annot_path).read_text().splitlines():
        if line.startswith("#"):
            continue
        f = line.split("\t")
        if len(f) < 8 or not f[1].isdigit():
            continue
        kv = dict(p.split("=", 1) if "=" in p else (p, True) for p in f[7].split(";"))
        out[(f[0], int(f[1]), f[4])] = kv
    return out


def csq_entries(info, fmt_fields):
    """CSQ of one line as a list of dicts keyed by the declared Format field names."""
    return [dict(zip(fmt_fields, e.split("|"))) for e in info.get("CSQ", "").split(",") if e]


def csq_format(annot_path):
    for line in Path(annot_path).read_text().splitlines():
        if line.startswith("##INFO=<ID=CSQ"):
            return line.split("Format: ")[1].split('"')[0].split("|")
    raise AssertionError("no CSQ header")
