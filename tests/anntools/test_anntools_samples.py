"""Every sample VCF from the course gives a readable result or a specific refusal."""
import subprocess
import sys
from pathlib import Path

import pysam
import pytest

from anntools import UnsupportedBuildError, annotate_file, tsv_from_annotated_vcf

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
    # the input's header is kept, declared VCF 4.2 (4.0 has no Number=A, which our INFO lines use)
    assert original_header[0] == "##fileformat=VCFv4.0" and header[0] == "##fileformat=VCFv4.2"
    assert header[1: len(original_header)] == original_header[1:]
    assert '##anntools_input_fileformat="fileformat=VCFv4.0: header lines rewritten as VCF 4.2"' in header
    declared = {h.split("ID=")[1].split(",")[0] for h in header if h.startswith("##INFO=<")}
    added = {kv.split("=")[0] for line in lines if not line.startswith("#")
             for kv in line.split("\t")[7].split(";")[2:]}
    assert added and added <= declared
    assert {"CSQ", "REGION", "GENE", "MOST_SEVERE"} <= added
    n_fields = len(next(h for h in header if h.startswith("##INFO=<ID=CSQ")).split("Format: ")[1].split("|"))
    entries = [e for line in lines if not line.startswith("#")
               for kv in line.split("\t")[7].split(";") if kv.startswith("CSQ=")
               for e in kv[4:].split(",")]
    assert len(entries) > 350 and all(len(e.split("|")) == n_fields for e in entries)


# The NCBI36 and GRCh37 samples are lifted to GRCh38 with the UCSC chains from
# the open-cravat sdist; the few positions in chain gaps are listed, not guessed.
@pytest.mark.parametrize("name,build,annotated,gaps", [
    ("free_2.vcf", "NCBI36", 2787, [1027]),
    ("premium_1.vcf", "NCBI36", 2998, [1743, 1745]),
    ("premium_3.vcf", "NCBI36", 3429, [1725, 1726]),
    ("premium_2.vcf", "GRCh37", 973, [364, 365, 420]),
])
def test_older_builds_are_lifted_over(tmp_path, name, build, annotated, gaps):
    result = annotate_file(SAMPLES / name, tmp_path)
    assert result.input_build == build
    assert result.variants == annotated
    # the lines in chain gaps were read well: the summary says where they went, not "unreadable"
    n = len(gaps)
    coding = result.consequence_counts.get("coding_sequence_variant", 0)
    assert coding > 0   # no nuclear genome sequence in the default data: the summary says so
    assert result.summary == (f"Annotated {annotated} variants on GRCh38 (input: {build}, lifted over); "
                              f"{n} line{'s' if n > 1 else ''} had no place on GRCh38 (liftover chain "
                              f"gaps); 0 lines could not be read. {coding} ALT allele"
                              f"{'s' if coding > 1 else ''} in coding sequence {'are' if coding > 1 else 'is'} "
                              "shown as coding_sequence_variant (impact MODIFIER): no genome sequence is "
                              "installed for that chromosome, so codons and protein changes were not computed.")
    log = Path(result.log_path).read_text()
    for line_no in gaps:
        assert f"line {line_no}: " in log and "liftover chain gap" in log
    assert "Lines that could not be read: 0" in log
    assert f"Lines with no place on GRCh38 (liftover chain gaps): {n}" in log
    first = data_lines(result.annot_path)[0]
    assert "GRCH38_POS=" in first


def test_vcf_3_3_sample_comes_out_as_a_vcf_4_file_that_readers_take(tmp_path):
    result = annotate_file(SAMPLES / "premium_3.vcf", tmp_path)
    header = [h for h in Path(result.annot_path).read_text().splitlines() if h.startswith("##")]
    assert header[0] == "##fileformat=VCFv4.2"
    # VCF 3.3 wrote FILTER 0 for "passed": the 4.2 output says PASS
    assert {l.split("\t")[6] for l in data_lines(SAMPLES / "premium_3.vcf")} == {"0"}
    assert {l.split("\t")[6] for l in data_lines(result.annot_path)} == {"PASS"}
    # and QUAL -1 for "missing": the 4.2 output says .
    quals_in = [l.split("\t")[5] for l in data_lines(SAMPLES / "premium_3.vcf")]
    quals_out = [l.split("\t")[5] for l in data_lines(result.annot_path)]
    assert "-1" in quals_in and "-1" not in quals_out
    assert set(quals_in) == {"-1"} and set(quals_out) == {"."} and len(quals_out) == 3429
    assert '##anntools_input_fileformat="fileformat=VCFv3.3: header lines rewritten as VCF 4.2"' in header
    assert '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total Depth">' in header
    assert '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">' in header
    with pysam.VariantFile(result.annot_path) as vcf:
        fmt = vcf.header.info["CSQ"].description.split("Format: ")[1].split("|")
        records = list(vcf)
    assert len(records) == result.variants == 3429
    # every record carries its own INFO (DP, read as the declared Integer) and its CSQ
    assert all(isinstance(r.info["DP"], int) for r in records if "DP" in r.info)
    entries = [e for r in records for e in r.info.get("CSQ", ())]
    assert entries and all(len(e.split("|")) == len(fmt) for e in entries)


# The samples declare no ##contig lines; the output declares the build's chromosomes as the file
# names them, so readers do not warn "contig is not defined" (pysam writes that to stderr).
@pytest.mark.parametrize("name,contig,length,assembly", [
    ("free_1.vcf", "MT", 16569, "GRCh38"),          # rCRS: the GRCh38 mitochondrion
    ("premium_3.vcf", "1", 247249719, "NCBI36"),   # lifted: the output keeps NCBI36 coordinates
    ("premium_2.vcf", "1", 249250621, "GRCh37"),
])
def test_annotated_vcf_declares_the_contigs_of_its_build(tmp_path, capfd, name, contig, length, assembly):
    result = annotate_file(SAMPLES / name, tmp_path)
    capfd.readouterr()
    with pysam.VariantFile(result.annot_path) as vcf:
        chroms = {r.chrom for r in vcf}
        declared = vcf.header.contigs
        assert chroms <= set(declared)
        assert declared[contig].length == length
        assert f"##contig=<ID={contig},length={length},assembly={assembly}>" in str(vcf.header)
    assert "not defined" not in capfd.readouterr().err


def test_contig_lines_of_the_input_are_kept_and_none_added(tmp_path):
    vcf = tmp_path / "chr.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n##contig=<ID=chr7,length=159345973>\n"
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                   "chr7\t140753336\t.\tA\tT\t.\t.\t.\n")
    result = annotate_file(vcf, tmp_path / "out")
    contigs = [h for h in Path(result.annot_path).read_text().splitlines() if h.startswith("##contig")]
    assert contigs == ["##contig=<ID=chr7,length=159345973>"]


def test_chr_named_input_gets_chr_named_contig_lines(tmp_path):
    vcf = tmp_path / "chr.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                   "chr7\t140753336\t.\tA\tT\t.\t.\t.\nchrM\t3243\t.\tA\tG\t.\t.\t.\n")
    result = annotate_file(vcf, tmp_path / "out")
    contigs = [h for h in Path(result.annot_path).read_text().splitlines() if h.startswith("##contig")]
    assert "##contig=<ID=chr7,length=159345973,assembly=GRCh38>" in contigs
    assert "##contig=<ID=chrM,length=16569,assembly=GRCh38>" in contigs
    assert len(contigs) == 25 and not any("ID=7," in c for c in contigs)


def test_grch37_sample_build_is_detected_from_the_gatk_command_line(tmp_path):
    result = annotate_file(SAMPLES / "premium_2.vcf", tmp_path)
    assert "reference_sequence=/work/bio/resources/human_g1k_v37.fasta" in Path(result.log_path).read_text()
    # 1:69511 A>G (rs2691305) is OR4F5 c.484A>G in GRCh38 as in GRCh37 (same coordinates there)
    info = info_of(result.annot_path)[("1", 69511, "G")]
    assert info["GRCH38_POS"] == "1:69511"
    assert "c.484A>G" in info["CSQ"] and "OR4F5" in info["GENE"]


def test_free_2_sry_variant_lands_in_sry(tmp_path):
    result = annotate_file(SAMPLES / "free_2.vcf", tmp_path)
    info = info_of(result.annot_path)[("Y", 2715180, "A")]
    # NCBI36 Y:2,715,180 is GRCh38 Y:2,787,139, inside SRY's single coding exon
    assert info["GRCH38_POS"] == "Y:2787139"
    assert "SRY" in info["GENE"].split(",")
    assert info["CYTOBAND"] == "Yp11.2"


def _refusal_of(tmp_path, header):
    src = tmp_path / "other.vcf"
    src.write_text("##fileformat=VCFv4.2\n" + header + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                   "1\t100000\t.\tA\tG\t.\t.\t.\n")
    with pytest.raises(UnsupportedBuildError) as err:
        annotate_file(src, tmp_path)
    return err


@pytest.mark.parametrize("header,build", [("##reference=T2T-CHM13v2.0\n", "T2T-CHM13"),
                                          ("##reference=hg17\n", "NCBI35")])
def test_builds_without_a_chain_are_refused_plainly(tmp_path, header, build):
    err = _refusal_of(tmp_path, header)
    msg = str(err.value)
    assert f"This file is on {build}" in msg
    assert "GRCh38 (hg38)" in msg and "GRCh37 and NCBI36 files lifted over" in msg
    log = Path(err.value.log_path).read_text()
    assert "Status: FAILED" in log and msg in log
    assert not (tmp_path / "other.annot.vcf").exists()


@pytest.mark.parametrize("header,named", [
    ("##reference=GRCm39\n", "the mouse genome GRCm39"),
    ("##reference=file:///refs/mm10.fa\n", "the mouse genome GRCm38"),
    ('##contig=<ID=2L,length=23513712,assembly=dm6>\n', "the fruit fly genome BDGP6"),
])
def test_other_species_are_refused_not_read_as_human(tmp_path, header, named):
    err = _refusal_of(tmp_path, header)
    assert str(err.value).startswith(f"This file is on {named} (from: ")
    assert "anntools annotates human variants only" in str(err.value)
    assert "Lift the file over to GRCh38" not in str(err.value)


def test_a_reference_naming_no_known_build_is_said_when_grch38_is_assumed(tmp_path):
    src = tmp_path / "odd.vcf"
    src.write_text("##fileformat=VCFv4.2\n##reference=foo_build_xyz\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\t"
                   "FILTER\tINFO\n7\t140753336\t.\tA\tT\t.\t.\t.\n")
    result = annotate_file(src, tmp_path)
    assert "(input: GRCh38, assumed: the header's ##reference=foo_build_xyz names no build anntools " \
           "knows)" in result.summary


def test_contig_lengths_outweigh_a_reference_line_that_disagrees(tmp_path):
    # says GRCh38, but chr7's length is GRCh37's (159,138,663; GRCh38's is 159,345,973)
    src = tmp_path / "conflict.vcf"
    src.write_text("##fileformat=VCFv4.2\n##reference=GRCh38\n##contig=<ID=7,length=159138663>\n"
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n7\t140453136\t.\tA\tT\t.\t.\t.\n")
    result = annotate_file(src, tmp_path)
    assert result.input_build == "GRCh37"
    assert "although the header says ##reference=GRCh38" in Path(result.log_path).read_text()
    # BRAF V600E: GRCh37 7:140,453,136 is GRCh38 7:140,753,336
    assert info_of(result.annot_path)[("7", 140453136, "T")]["GRCH38_POS"] == "7:140753336"


def test_command_line(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "anntools", str(SAMPLES / "test.vcf"), "-o", str(tmp_path)],
                        capture_output=True, text=True, cwd=REPO)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[0].startswith("Annotated 350 variants on GRCh38")
    assert info_of(tmp_path / "test.annot.vcf")[("MT", 60, "A")]["REGION"] == "upstream"
    png = tmp_path / "x.vcf"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    bad = subprocess.run([sys.executable, "-m", "anntools", str(png), "-o", str(tmp_path)],
                         capture_output=True, text=True, cwd=REPO)
    assert bad.returncode != 0
    assert "binary file, not a VCF" in bad.stderr


@pytest.mark.parametrize("name", ["test.vcf", "free_2.vcf", "premium_2.vcf", "premium_3.vcf"])
def test_tsv_rebuilt_from_the_annotated_vcf_is_the_engines_tsv(tmp_path, name):
    # the web app keeps only the .annot.vcf and serves the TSV from it
    result = annotate_file(SAMPLES / name, tmp_path)
    with open(result.annot_path, "rb") as fh:
        rebuilt = "".join(tsv_from_annotated_vcf(fh))
    engine_tsv = Path(result.tsv_path).read_text()
    assert rebuilt == engine_tsv
    assert engine_tsv.count("\n") > result.variants   # a row per allele x transcript


def test_lifted_tsv_rows_say_the_grch38_position_they_describe(tmp_path):
    result = annotate_file(SAMPLES / "premium_3.vcf", tmp_path)
    rows = [line.split("\t") for line in Path(result.tsv_path).read_text().splitlines()]
    header, body = rows[0], rows[1:]
    assert header[:7] == ["CHROM", "POS", "ID", "REF", "ALT", "GRCH38_POS", "Allele"]
    assert all(len(r) == len(header) for r in body)
    info = info_of(result.annot_path)
    for r in body[:200]:
        # the same GRCh38 position as the VCF line's INFO, on the same chromosome
        assert r[5] == info[(r[0], int(r[1]), r[4])]["GRCH38_POS"]
        assert r[5].split(":")[0] == r[0]
    # NCBI36 coordinates move on GRCh38: most rows show a position other than POS
    assert sum(r[5] != f"{r[0]}:{r[1]}" for r in body) > len(body) / 2
    vcf_header = Path(result.annot_path).read_text().split("#CHROM")[0]
    assert "CHROM and POS are the input's, on NCBI36" in vcf_header
