"""Input handling: malformed lines, not-a-VCF, gzip, CRLF, progress, unknown build."""
import gzip
import random
import re
import subprocess
import time
from pathlib import Path

import pysam
import pytest

from anntools import AnnotationError, DamagedFileError, NotAVcfError, annotate_file

from .conftest import SAMPLES, info_of, write_vcf


def test_malformed_lines_are_reported_and_the_rest_annotated(tmp_path):
    body = ("17\t7674220\t.\tC\tT\t.\t.\t.\n"        # line 4
            "17\tabc\t.\tC\tT\t.\t.\t.\n"             # line 5: bad POS
            "17\t7674221\t.\tC\n"                      # line 6: too few columns
            "17\t7674222\t.\tCQ\tT\t.\t.\t.\n"         # line 7: bad REF
            "chrZ\t5\t.\tA\tT\t.\t.\t.\n"              # line 8: not a GRCh38 sequence
            "17\t7674223\t.\tG\tA,T\t.\t.\t.\n"        # line 9: fine, two ALTs
            "17\t0\t.\tG\tA\t.\t.\t.\n"                # line 10: POS 0
            "17\t7674224\t.\tG\tA,Z\t.\t.\t.\n")       # line 11: a bad second ALT
    result = annotate_file(write_vcf(tmp_path / "bad.vcf", body), tmp_path)
    assert result.variants == 2
    assert "; 6 lines could not be read." in result.summary
    # TP53's C>T and G>A,T: in coding sequence, with no nuclear genome installed to say more
    assert result.summary.endswith(" 3 ALT alleles in coding sequence are shown as coding_sequence_variant "
                                   "(impact MODIFIER): no genome sequence is installed for that "
                                   "chromosome, so codons and protein changes were not computed.")
    log = Path(result.log_path).read_text()
    assert "line 5: POS 'abc' is not a positive whole number" in log
    assert "line 6: has 4 tab-separated column(s)" in log
    assert "line 7: REF 'CQ' is not made of the bases" in log
    assert "line 8: CHROM 'chrZ' is not a GRCh38 sequence name" in log
    assert "line 10: POS '0' is not a positive whole number" in log
    assert "line 11: ALT 'Z' is neither bases (A, C, G, T, N) nor a symbolic allele" in log
    out = Path(result.annot_path).read_text()
    # unreadable lines are left out, so the output stays a VCF that VCF readers take whole
    assert "17\tabc\t" not in out and "chrZ\t5\t" not in out
    assert "bad.vcf.count.log lists each with its line number" in out
    with pysam.VariantFile(result.annot_path) as vcf:
        records = list(vcf)
    assert [(r.pos, r.alts) for r in records] == [(7674220, ("T",)), (7674223, ("A", "T"))]
    assert records[1].info["REGION"] == ("CDS", "CDS")
    assert info_of(result.annot_path)[("17", 7674223, "A,T")]["REGION"] == "CDS,CDS"


def test_binary_file_fails_fast(tmp_path):
    png = tmp_path / "photo.vcf"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4000)
    t0 = time.monotonic()
    with pytest.raises(NotAVcfError) as err:
        annotate_file(png, tmp_path)
    assert time.monotonic() - t0 < 1.0
    assert "binary file, not a VCF" in str(err.value)
    assert "Status: FAILED" in Path(err.value.log_path).read_text()


def test_text_without_vcf_header_fails(tmp_path):
    csv = tmp_path / "table.vcf"
    csv.write_text("name,age\nada,36\n" * 100)
    with pytest.raises(NotAVcfError) as err:
        annotate_file(csv, tmp_path)
    assert "table.vcf is not a VCF: it has no VCF header" in str(err.value)
    assert isinstance(err.value, AnnotationError)


def test_meta_lines_without_chrom_line_name_the_line(tmp_path):
    bad = tmp_path / "nochrom.vcf"
    bad.write_text("##fileformat=VCFv4.2\n##source=x\n1\t100\t.\tA\tG\t.\t.\t.\n")
    with pytest.raises(NotAVcfError) as err:
        annotate_file(bad, tmp_path)
    assert "its header has no '#CHROM POS ID REF ALT ...' line (line 3 is the first" in str(err.value)


def test_header_then_garbage_fails_as_not_a_vcf(tmp_path):
    body = "this is not a variant line\n" * 60
    with pytest.raises(NotAVcfError) as err:
        annotate_file(write_vcf(tmp_path / "junk.vcf", body), tmp_path)
    assert "first 50 data lines could not be read" in str(err.value)


@pytest.mark.parametrize("suffix", [".vcf.gz", ".vcf.bgz"])
def test_gzip_input(tmp_path, suffix):
    src = tmp_path / ("test" + suffix)
    src.write_bytes(gzip.compress((SAMPLES / "test.vcf").read_bytes()))
    result = annotate_file(src, tmp_path / "out")
    assert result.variants == 350
    assert Path(result.annot_path).name == "test.annot.vcf"
    assert Path(result.log_path).name == "test.vcf.count.log"


def _many_lines(n):
    # random IDs keep the gzip large, so that half of it is well past the first lines
    rng = random.Random(7)
    return "".join(f"17\t{7_600_000 + i}\tid{rng.getrandbits(64):016x}\tC\tT\t.\t.\tDP={i}\n"
                   for i in range(n))


@pytest.mark.parametrize("damage", ["truncated gzip", "truncated bgzip", "flipped byte"])
def test_a_damaged_gzip_fails_plainly_and_leaves_no_partial_results(tmp_path, damage):
    text = write_vcf(tmp_path / "plain.vcf", _many_lines(60_000)).read_bytes()
    src = tmp_path / "big.vcf.gz"
    if damage == "truncated bgzip":
        with pysam.BGZFile(str(src), "wb") as out:
            out.write(text)
    else:
        src.write_bytes(gzip.compress(text))
    packed = src.read_bytes()
    if damage == "flipped byte":
        at = len(packed) * 3 // 4
        packed = packed[:at] + bytes([packed[at] ^ 0xFF]) + packed[at + 1:]
    else:
        packed = packed[: len(packed) // 2]
    src.write_bytes(packed)
    out_dir = tmp_path / "out"
    with pytest.raises(DamagedFileError) as err:
        annotate_file(src, out_dir)
    message = str(err.value)
    assert message.startswith("big.vcf.gz is damaged: its compressed data ")
    assert ("breaks off" in message) if damage.startswith("truncated") else ("fails its integrity check" in message)
    # the line it names was read whole, and it is past the first lines
    last_good = int(re.search(r"after line ([\d,]+), so", message).group(1).replace(",", ""))
    assert 1_000 < last_good < 60_003   # 3 header lines, then 60,000 variants
    if damage.startswith("truncated"):   # exactly the whole lines gzip itself gets out of it
        assert last_good == _lines_gzip_reads(src)
    # no partial annotated VCF or table that looks complete; the log says what happened
    assert sorted(p.name for p in out_dir.iterdir()) == ["big.vcf.count.log"]
    assert "Status: FAILED" in (out_dir / "big.vcf.count.log").read_text()


def _lines_gzip_reads(path):
    """Whole lines the gzip program decompresses from a file cut short (it then exits 1)."""
    done = subprocess.run(["gzip", "-dc", str(path)], capture_output=True)
    return done.stdout.count(b"\n")


@pytest.mark.parametrize("sample,keep", [("test.vcf", 1000), ("free_1.vcf", 0.5), ("premium_3.vcf", 0.5)])
def test_a_small_gzip_cut_short_names_its_last_whole_line(tmp_path, sample, keep):
    # within the reader's first buffer, so the damage shows while the header is read
    packed = gzip.compress((SAMPLES / sample).read_bytes())
    src = tmp_path / "short.vcf.gz"
    src.write_bytes(packed[:keep if keep > 1 else int(len(packed) * keep)])
    with pytest.raises(DamagedFileError) as err:
        annotate_file(src, tmp_path / "out")
    n = _lines_gzip_reads(src)
    assert n > 20
    assert str(err.value).startswith(f"short.vcf.gz is damaged: its compressed data breaks off after "
                                     f"line {n:,}, so the rest of the file cannot be read.")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["short.vcf.count.log"]


def test_crlf_and_lowercase_are_kept(tmp_path):
    src = tmp_path / "win.vcf"
    src.write_bytes(b"##fileformat=VCFv4.1\r\n##reference=GRCh38\r\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\r\n"
                    b"17\t7674220\t.\tc\tt\t.\t.\t.\r\n")
    result = annotate_file(src, tmp_path)
    out = Path(result.annot_path).read_bytes()
    assert out.count(b"\r\n") == out.count(b"\n")
    assert b"17\t7674220\t.\tc\tt\t.\t.\tCSQ=" in out
    assert info_of(result.annot_path)[("17", 7674220, "t")]["REGION"] == "CDS"


def test_progress_is_reported(tmp_path):
    calls = []
    annotate_file(SAMPLES / "free_1.vcf", tmp_path, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (1141, 1141)
    assert len(calls) >= 50
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:]))


def test_undeclared_build_is_assumed_grch38_and_said(tmp_path):
    src = write_vcf(tmp_path / "nobuild.vcf", "17\t7674220\t.\tC\tT\t.\t.\t.\n", header="##fileformat=VCFv4.2\n")
    result = annotate_file(src, tmp_path)
    assert "assumed" in result.summary
    assert "Input build: not declared" in Path(result.log_path).read_text()


def test_contig_lengths_identify_grch37_and_it_is_lifted(tmp_path):
    header = "##fileformat=VCFv4.2\n##contig=<ID=chr7,length=159138663>\n##contig=<ID=chr17,length=81195210>\n"
    # BRAF V600E: GRCh37 chr7:140,453,136 is GRCh38 chr7:140,753,336
    src = write_vcf(tmp_path / "b37.vcf", "chr7\t140453136\t.\tA\tT\t.\t.\t.\n", header=header)
    result = annotate_file(src, tmp_path)
    assert result.input_build == "GRCh37"
    info = info_of(result.annot_path)[("chr7", 140453136, "T")]
    assert info["GRCH38_POS"] == "7:140753336"
    assert "c.1799T>A" in info["CSQ"] and "BRAF" in info["GENE"]
    assert "rs113488022&ClinVar:13961" in info["CSQ"]


def test_many_samples_long_info_odd_qual_filter_and_chr_names(tmp_path):
    samples = [f"S{i:03d}" for i in range(150)]
    long_info = "NOTE=" + "x" * 200_000
    genotypes = "\t".join("0/1" if i % 3 else "1/1" for i in range(150))
    header = ("##fileformat=VCFv4.4\n##reference=GRCh38\n"
              "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(samples) + "\n")
    lines = [f"chr17\t7674220\trs1\tC\tT\t-1\t0\t{long_info}\tGT\t{genotypes}",     # odd QUAL/FILTER
             f"17\t7674223\t.\tG\tA,T,*\t.\t.\t.\tGT\t{genotypes}",                 # no chr, * allele
             f"NC_000017.11\t7674221\t.\tC\t<DEL>\t50\tPASS\tSVTYPE=DEL;END=7674300\tGT\t{genotypes}"]
    src = tmp_path / "cohort.vcf"
    src.write_text(header + "\n".join(lines) + "\n")
    result = annotate_file(src, tmp_path / "out")
    assert result.variants == 3 and result.problems == 0
    out = [l for l in Path(result.annot_path).read_text().splitlines() if not l.startswith("#")]
    for before, after in zip(lines, out):
        cols_before, cols_after = before.split("\t"), after.split("\t")
        assert len(cols_after) == 9 + 150
        # everything but INFO kept as it was: QUAL -1, FILTER 0, the 150 genotypes
        assert cols_after[:7] + cols_after[8:] == cols_before[:7] + cols_before[8:]
        assert cols_after[7].startswith(cols_before[7] if cols_before[7] != "." else "CSQ=")
    info = info_of(result.annot_path)
    assert info[("chr17", 7674220, "T")]["GENE"] == "TP53" and len(info[("chr17", 7674220, "T")]["NOTE"]) == 200_000
    # the * allele (a deletion elsewhere on the haplotype) is not annotated, the others are
    assert info[("17", 7674223, "A,T,*")]["MOST_SEVERE"].split(",")[2] == "."
    assert "TP53" in info[("NC_000017.11", 7674221, "<DEL>")]["GENE"]


def test_a_header_only_file_completes_and_says_it_had_no_variants(tmp_path):
    result = annotate_file(write_vcf(tmp_path / "empty.vcf", ""), tmp_path)
    assert result.variants == 0
    assert result.summary.endswith("0 lines could not be read. The file has no variant lines.")


def test_blank_and_header_lines_among_the_variants_are_left_out(tmp_path):
    body = ("17\t7674220\t.\tC\tT\t.\t.\t.\n"                          # line 4
            "\n"                                                          # line 5: blank, dropped
            "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"             # line 6: a second header
            "##INFO=<ID=X,Number=1,Type=String,Description=\"late\">\n"   # line 7
            "17\t7674223\t.\tG\tA\t.\t.\t.\n")                            # line 8
    result = annotate_file(write_vcf(tmp_path / "twice.vcf", body), tmp_path)
    assert result.variants == 2
    log = Path(result.log_path).read_text()
    assert "line 6: a header line among the variant lines" in log
    assert "line 7: a header line among the variant lines" in log
    assert "line 5" not in log
    body_out = Path(result.annot_path).read_text().split("#CHROM", 1)[1].split("\n")[1:]
    assert [line.split("\t")[1] for line in body_out if line] == ["7674220", "7674223"]
    with pysam.VariantFile(result.annot_path) as vcf:
        assert [r.pos for r in vcf] == [7674220, 7674223]


def test_a_header_without_fileformat_gets_one(tmp_path):
    src = tmp_path / "bare.vcf"
    src.write_text("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n17\t7674220\t.\tC\tT\t.\t.\t.\n")
    result = annotate_file(src, tmp_path / "out")
    assert Path(result.annot_path).read_text().startswith("##fileformat=VCFv4.2\n")
    with pysam.VariantFile(result.annot_path) as vcf:
        assert [r.pos for r in vcf] == [7674220]
    # a ##fileformat line that is not first is moved first, not doubled
    late = tmp_path / "late.vcf"
    late.write_text("##source=me\n##fileformat=VCFv4.1\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                    "17\t7674220\t.\tC\tT\t.\t.\t.\n")
    lines = Path(annotate_file(late, tmp_path / "out2").annot_path).read_text().splitlines()
    assert lines[:2] == ["##fileformat=VCFv4.1", "##source=me"]
    assert sum(line.startswith("##fileformat") for line in lines) == 1


def test_a_byte_order_mark_is_read_past(tmp_path):
    src = tmp_path / "bom.vcf"
    src.write_bytes(b"\xef\xbb\xbf##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                    b"17\t7674220\t.\tC\tT\t.\t.\t.\n")
    result = annotate_file(src, tmp_path / "out")
    assert result.variants == 1
    assert Path(result.annot_path).read_bytes().startswith(b"##fileformat=VCFv4.2\n")


def test_old_mac_line_ends_are_named(tmp_path):
    src = tmp_path / "mac.vcf"
    src.write_bytes(b"##fileformat=VCFv4.2\r#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\r"
                    b"17\t7674220\t.\tC\tT\t.\t.\t.\r")
    with pytest.raises(NotAVcfError) as err:
        annotate_file(src, tmp_path / "out")
    assert "old Mac line ends (CR only)" in str(err.value)


def test_an_output_folder_that_is_a_file_is_refused_plainly(tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    with pytest.raises(AnnotationError) as err:
        annotate_file(SAMPLES / "test.vcf", taken)
    assert str(err.value) == (f"The output folder {taken} cannot be used (File exists); "
                              "name a folder you can write to.")
    assert taken.read_text() == "not a folder"


def test_an_annotated_file_annotated_again_keeps_its_old_values_apart(tmp_path):
    first = annotate_file(SAMPLES / "test.vcf", tmp_path / "once")
    again = annotate_file(first.annot_path, tmp_path / "twice")
    text = Path(again.annot_path).read_text()
    header = [h for h in text.splitlines() if h.startswith("##INFO=<ID=")]
    ids = [h.split("ID=")[1].split(",")[0] for h in header]
    assert ids.count("CSQ") == 1 and ids.count("INPUT_CSQ") == 1 and ids.count("INPUT_GENE") == 1
    assert any(h.startswith('##INFO=<ID=INPUT_CSQ,Number=.,Type=String,Description="(the input\'s CSQ, '
                            'renamed by anntools) Consequence annotations from anntools') for h in header)
    with pysam.VariantFile(again.annot_path) as vcf:
        records = list(vcf)
    assert len(records) == 350
    once = info_of(first.annot_path)
    for key, info in info_of(again.annot_path).items():
        # each key once per line: ours, and the input's under INPUT_
        assert info["CSQ"] == once[key]["CSQ"] and info["INPUT_CSQ"] == once[key]["CSQ"]
    # an undeclared CSQ from another tool, next to keys that only look alike
    src = write_vcf(tmp_path / "vep.vcf", "17\t7674220\t.\tC\tT\t.\t.\tCSQ=T|old;DP_CSQ=3;CSQX=1\n")
    out = Path(annotate_file(src, tmp_path / "vep").annot_path).read_text()
    line = next(line for line in out.splitlines() if not line.startswith("#"))
    keys = [kv.split("=")[0] for kv in line.split("\t")[7].split(";")]
    assert keys[:3] == ["INPUT_CSQ", "DP_CSQ", "CSQX"] and keys.count("CSQ") == 1
    assert "INPUT_CSQ=T|old;" in line


def test_gvcf_placeholder_alleles_are_not_annotated_as_changes(tmp_path):
    body = ("7\t140753336\t.\tA\tT,<NON_REF>\t.\t.\t.\n"   # BRAF V600E and gVCF's "any other"
            "7\t140753340\t.\tA\t<*>\t.\t.\t.\n")           # a reference block
    result = annotate_file(write_vcf(tmp_path / "g.vcf", body), tmp_path)
    info = info_of(result.annot_path)
    braf = info[("7", 140753336, "T,<NON_REF>")]
    assert braf["REGION"] == "CDS,." and braf["MOST_SEVERE"] == "coding_sequence_variant,."
    assert all(entry.startswith("T|") for entry in braf["CSQ"].split(","))
    block = info[("7", 140753340, "<*>")]
    assert "CSQ" not in block and block["MOST_SEVERE"] == "."


def test_a_ref_the_installed_genome_does_not_have_is_left_out_with_the_reason(tmp_path):
    # rCRS has T at 8993 (the NARP T8993G site), T at 16519 and A at 73
    body = ("MT\t8993\t.\tG\tC\t.\t.\t.\n"      # line 3: wrong REF in MT-ATP6 (annotated one by one)
            "MT\t8993\t.\tT\tG\t.\t.\t.\n"      # line 4: right
            "MT\t16519\t.\tC\tT\t.\t.\t.\n"     # line 5: wrong REF in the D-loop (annotated in bulk)
            "MT\t16519\t.\tT\tC\t.\t.\t.\n"     # line 6: right
            "MT\t73\t.\tG\tA\t.\t.\t.\n")       # line 7: wrong
    result = annotate_file(write_vcf(tmp_path / "mt.vcf", body, header="##fileformat=VCFv4.2\n"),
                           tmp_path)
    assert result.variants == 2
    log = Path(result.log_path).read_text()
    assert "line 3: REF 'G' is not the reference genome's 'T' at GRCh38 MT:8993; is the file on " \
           "another build?" in log
    assert "line 5: REF 'C' is not the reference genome's 'T' at GRCh38 MT:16519" in log
    assert "line 7: REF 'G' is not the reference genome's 'A' at GRCh38 MT:73" in log
    info = info_of(result.annot_path)
    assert set(info) == {("MT", 8993, "G"), ("MT", 16519, "C")}
    assert "p.Leu156Arg" in info[("MT", 8993, "G")]["CSQ"]


def test_values_readers_would_misread_are_written_as_missing_and_logged(tmp_path):
    body = ("7\t140753336\t\tA\tT\tabc\t\t.\n"        # line 4: htslib would read QUAL abc as 0
            "7\t140753337\t.\tA\tT\t\tPASS\t.\n"      # line 5
            "7\t140753338\t.\tA\tT\t-1\tq10\t.\n")     # line 6: -1 is a number in VCF 4.2
    result = annotate_file(write_vcf(tmp_path / "q.vcf", body), tmp_path)
    assert result.variants == 3
    out = [l.split("\t") for l in Path(result.annot_path).read_text().splitlines() if not l.startswith("#")]
    assert [c[2] + " " + c[5] + " " + c[6] for c in out] == [". . .", ". . PASS", ". -1 q10"]
    log = Path(result.log_path).read_text()
    assert "line 4: QUAL 'abc' is not a number; FILTER is empty; ID is empty: written as '.'" in log
    assert "line 5: QUAL '' is not a number: written as '.'" in log
    assert "line 6" not in log
    with pysam.VariantFile(result.annot_path) as vcf:
        assert [r.qual for r in vcf] == [None, None, -1]
