"""Every sample VCF from the course gives a readable result or a specific refusal."""
import subprocess
import sys
from pathlib import Path

import pytest

from anntools import UnsupportedBuildError, annotate_file

from .conftest import REPO, SAMPLES, info_of


def data_lines(path):
    return [line for line in Path(path).read_text().splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize("name,count", [("test.vcf", 350), ("free_1.vcf", 1141)])
def test_mitochondrial_samples_are_annotated(tmp_path, name, count):
    result = annotate_file(SAMPLES / name, tmp_path)
    stem = name[:-4]
    assert result.annot_path == str(tmp_path / f"{stem}.annot.vcf")
    assert result.log_path == str(tmp_path / f"{stem}.vcf.count.log")
    assert result.variants == count
    assert result.summary == (f"Annotated {count} variants on GRCh38 (input: rCRS mitochondrion); "
                              "0 lines could not be read.")
    original, annotated = data_lines(SAMPLES / name), data_lines(result.annot_path)
    assert len(annotated) == count
    for before, after in zip(original, annotated):
        # original line kept byte for byte; only INFO additions after it
        assert after.startswith(before + ";")
        # a site with no ALT (ALT ".") has nothing to annotate
        assert ("\t.\t.\t.\t" in before) != after.startswith(before + ";CSQ=")
    log = Path(result.log_path).read_text()
    assert "Input build: rCRS (from the header: ##reference=rCRS)" in log
    assert f"Variants annotated: {count}" in log
    assert "Lines that could not be read: 0" in log


def test_annotated_header_declares_every_added_key(tmp_path):
    result = annotate_file(SAMPLES / "test.vcf", tmp_path)
    lines = Path(result.annot_path).read_text().splitlines()
    header = [h for h in lines if h.startswith("##")]
    original_header = [h for h in (SAMPLES / "test.vcf").read_text().splitlines() if h.startswith("##")]
    assert header[: len(original_header)] == original_header
    declared = {h.split("ID=")[1].split(",")[0] for h in header if h.startswith("##INFO=<")}
    added = {kv.split("=")[0] for line in lines if not line.startswith("#")
             for kv in line.split("\t")[7].split(";")[2:]}
    assert added and added <= declared
    assert {"CSQ", "REGION", "GENE"} <= added


@pytest.mark.parametrize("name,build", [("free_2.vcf", "NCBI36"), ("premium_1.vcf", "NCBI36"),
                                        ("premium_3.vcf", "NCBI36")])
def test_ncbi36_samples_are_refused_plainly(tmp_path, name, build):
    with pytest.raises(UnsupportedBuildError) as err:
        annotate_file(SAMPLES / name, tmp_path)
    msg = str(err.value)
    assert f"on {build} (hg18)" in msg and "GRCh38" in msg and "Lift the file over" in msg
    log = Path(err.value.log_path).read_text()
    assert "Status: FAILED" in log and msg in log
    assert not (tmp_path / (name[:-4] + ".annot.vcf")).exists()


def test_grch37_sample_build_is_detected_from_the_gatk_command_line(tmp_path):
    with pytest.raises(UnsupportedBuildError) as err:
        annotate_file(SAMPLES / "premium_2.vcf", tmp_path)
    assert "GRCh37 (hg19)" in str(err.value)
    assert "human_g1k_v37.fasta" in str(err.value)


def test_command_line(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "anntools", str(SAMPLES / "test.vcf"), "-o", str(tmp_path)],
                        capture_output=True, text=True, cwd=REPO)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[0].startswith("Annotated 350 variants on GRCh38")
    assert info_of(tmp_path / "test.annot.vcf")[("MT", 60, "A")]["REGION"] == "upstream"
    bad = subprocess.run([sys.executable, "-m", "anntools", str(SAMPLES / "free_2.vcf"), "-o", str(tmp_path)],
                         capture_output=True, text=True, cwd=REPO)
    assert bad.returncode != 0
    assert "NCBI36" in bad.stderr
