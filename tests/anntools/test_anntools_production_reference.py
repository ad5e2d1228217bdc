"""Production reference inputs: GENCODE/Ensembl GFF3 and GTF, ClinVar and dbSNP VCFs through tabix.

One real transcript (SAMD11, ENST00000341065, Ensembl GFF3 + its region FASTA from the
bcftools csq cases) is written out in the other dialects the way GENCODE and Ensembl
publish them; the readers must give the same models, and an index built from them with
ClinVar/dbSNP VCFs must annotate the known variants (and only those).
"""
import csv
import gzip
import json

import pysam
import pytest

from anntools import annotate_file
from anntools.build_index import build_from_gff
from anntools.config import index_path
from anntools.gff import read_gene_models, read_gff3, read_gtf
from anntools.install_reference import ideogram_dir, install
from anntools.sources import chrom_name

from .conftest import CSQ_CASES, write_vcf

CASE = CSQ_CASES / "ENST00000341065"
GENE, TX = "ENSG00000187634.6", "ENST00000341065.4"


def _ensembl_rows(mane=True):
    """The case's Ensembl GFF3 rows as (columns, attributes), with Ensembl 110's MANE tag."""
    rows = []
    for line in (CASE / "ENST00000341065.gff").read_text().splitlines():
        f = line.split("\t")
        a = dict(p.split("=", 1) for p in f[8].split(";"))
        if mane and f[2] == "transcript":
            a["tag"] = "basic,Ensembl_canonical,MANE_Select"
        rows.append((f[:8], a))
    return rows


def _gencode_rows():
    """GENCODE's feature rows: CDS without the stop codon, which gets its own row (+ strand here)."""
    out = []
    rows = _ensembl_rows()
    last_cds = max(int(f[4]) for f, _ in rows if f[2] == "CDS")
    for f, a in rows:
        f = list(f)
        if f[2] == "CDS" and int(f[4]) == last_cds:
            f[4] = str(last_cds - 3)
            out.append((["chr1", f[1], "stop_codon", str(last_cds - 2), str(last_cds), ".", "+", "0"], a))
        f[0] = "chr1"
        out.append((f, a))
    return out


def _gencode_gff3(path):
    common = {"gene_id": GENE, "gene_type": "protein_coding", "gene_name": "SAMD11"}
    tx = {"transcript_id": TX, "transcript_type": "protein_coding", "transcript_name": "SAMD11-201",
          "tag": "basic,Ensembl_canonical,MANE_Select"}
    lines = ["##gff-version 3", "##sequence-region chr1 1 19696"]
    for n, (f, a) in enumerate(_gencode_rows()):
        if f[2] == "gene":
            attrs = {"ID": GENE, **common, "level": "2"}
        elif f[2] == "transcript":
            attrs = {"ID": TX, "Parent": GENE, **common, **tx}
        else:
            attrs = {"ID": f"{f[2]}:{TX}:{n}", "Parent": TX, **common, **tx}
        lines.append("\t".join(f + [";".join(f"{k}={v}" for k, v in attrs.items())]))
    with gzip.open(path, "wt") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def _gtf(path, ensembl=False):
    """GENCODE GTF (versioned ids, gene/transcript rows), or Ensembl GTF (ids + *_version,
    *_biotype, and here no gene/transcript rows: the models must come from the exon rows)."""
    if ensembl:
        ids = ('gene_id "ENSG00000187634"; gene_version "6"; transcript_id "ENST00000341065"; '
               'transcript_version "4"; gene_name "SAMD11"; gene_biotype "protein_coding"; '
               'transcript_biotype "protein_coding";')
    else:
        ids = (f'gene_id "{GENE}"; transcript_id "{TX}"; gene_type "protein_coding"; '
               'gene_name "SAMD11"; transcript_type "protein_coding";')
    tags = ' tag "basic"; tag "Ensembl_canonical"; tag "MANE_Select";'
    lines = ['#!genome-build GRCh38.p14']
    for f, _ in _gencode_rows():
        if ensembl and f[2] in ("gene", "transcript"):
            continue
        if ensembl:
            f = ["1"] + f[1:]
        extra = '' if f[2] == "gene" else ' transcript_name "SAMD11-201";' + tags + ' level 2;'
        lines.append("\t".join(f) + "\t" + ids + extra)
    path.write_text("\n".join(lines) + "\n")
    return path


def test_gencode_gff3_and_gtf_give_the_ensembl_models(tmp_path):
    ens = tmp_path / "Homo_sapiens.GRCh38.110.gff3"
    ens.write_text("".join("\t".join(f + [";".join(f"{k}={v}" for k, v in a.items())]) + "\n"
                           for f, a in _ensembl_rows()))
    forms = {"ensembl gff3": read_gff3(ens)[0],
             "gencode gff3": read_gene_models(_gencode_gff3(tmp_path / "gencode.v44.annotation.gff3.gz"))[0],
             "gencode gtf": read_gene_models(_gtf(tmp_path / "gencode.v44.annotation.gtf"))[0],
             # no extension: told apart by the attribute column
             "ensembl gtf": read_gene_models(_gtf(tmp_path / "ensembl_genes", ensembl=True))[0]}
    models = {k: [t._replace(chrom=chrom_name(t.chrom)) for t in v] for k, v in forms.items()}
    (t,) = models["ensembl gff3"]
    assert (t.gene, t.gene_id, t.name, t.biotype, t.mane, t.kind) == \
        ("SAMD11", GENE, TX, "protein_coding", True, "coding")
    assert (t.start, t.end, t.cds_start, t.cds_end, len(t.exon_starts)) == (5432, 19696, 5432, 19274, 12)
    assert all(m == [t] for m in models.values()), models
    # the csq cases' file as it is: no MANE tag, no flag
    assert read_gff3(CASE / "ENST00000341065.gff")[0] == [t._replace(mane=False)]
    assert read_gtf(tmp_path / "ensembl_genes")[0] == models["ensembl gtf"]


def _vcf(path, contig, body):
    header = f"##fileformat=VCFv4.1\n##fileDate=20241230\n##contig=<ID={contig}>\n" \
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
    path.write_text(header + body)
    return path


@pytest.fixture(scope="module")
def production_ref(tmp_path_factory, reference_data):
    """An index built from the GENCODE GTF, the region FASTA, a bgzipped+indexed ClinVar VCF
    and a plain dbSNP VCF (indexed into the reference folder at build time)."""
    tmp = tmp_path_factory.mktemp("prod")
    ref = tmp / "ref"
    ref.mkdir()
    # the registry data is already installed: link it, so install() fetches nothing
    ideogram_dir(ref).symlink_to(ideogram_dir(reference_data), target_is_directory=True)
    with pysam.FastaFile(str(CASE / "ENST00000341065.fa")) as fa:
        base = {p: fa.fetch("1", p - 1, p) for p in (18824, 18826, 18840)}
        deletion = fa.fetch("1", 18823, 18826)
    clinvar = _vcf(tmp / "clinvar.vcf", "1",
                   f"1\t18826\t12345\t{base[18826]}\tA\t.\t.\tALLELEID=1;CLNSIG=Pathogenic;RS=1234567\n"
                   f"1\t18840\t67890\t{base[18840]}\tT\t.\t.\tALLELEID=2;CLNSIG=Uncertain_significance\n")
    pysam.tabix_index(str(clinvar), preset="vcf")   # -> clinvar.vcf.gz + .tbi, as ClinVar ships it
    dbsnp = _vcf(tmp / "dbsnp.vcf", "NC_000001.11",   # dbSNP names contigs by RefSeq accession
                 f"NC_000001.11\t18824\trs777\t{deletion}\t{base[18824]}\t.\t.\tRS=777\n"
                 f"NC_000001.11\t18826\trs1234567\t{base[18826]}\tA,C\t.\t.\tRS=1234567\n"
                 f"NC_000001.11\t18840\trs555\t{base[18840]}\tT\t.\t.\tRS=555\n")
    install(ref, quiet=True, chains=False, gtf=_gtf(tmp / "gencode.v44.annotation.gtf"),
            fasta=CASE / "ENST00000341065.fa", clinvar=str(clinvar) + ".gz", dbsnp=dbsnp)
    return ref, base


def test_known_variants_from_clinvar_and_dbsnp_vcfs(production_ref, tmp_path):
    ref, base = production_ref
    body = "".join(f"1\t{p}\t.\t{base[p]}\t{alt}\t.\t.\t.\n"
                   for p, alt in ((18824, "T"), (18826, "A"), (18826, "C"), (18826, "T"), (18840, "T")))
    result = annotate_file(write_vcf(tmp_path / "known.vcf", body), tmp_path / "out", ref_dir=ref)
    rows = {(int(r["POS"]), r["ALT"]): r for r in csv.DictReader(open(result.tsv_path), delimiter="\t")}
    got = {k: (r["Existing_variation"], r["CLIN_SIG"], r["MANE_SELECT"]) for k, r in rows.items()}
    assert got == {
        (18824, "T"): ("", "", "YES"),                         # rs777 is a deletion starting here
        (18826, "A"): ("rs1234567&ClinVar:12345", "pathogenic", "YES"),
        (18826, "C"): ("rs1234567", "", "YES"),                # dbSNP only, the other ALT
        (18826, "T"): ("", "", "YES"),                         # same position, unknown ALT
        (18840, "T"): ("rs555&ClinVar:67890", "uncertain_significance", "YES"),  # rsID from dbSNP
    }
    log = open(result.log_path).read()
    assert "Known variants: ClinVar VCF clinvar.vcf.gz (fileDate=20241230); " \
           "dbSNP VCF dbsnp.vcf.gz (fileDate=20241230)" in log
    assert "ALT alleles matching a known variant: 3" in log


def test_production_index_is_kept_and_points_at_the_vcfs(production_ref):
    ref, _ = production_ref
    # the plain dbSNP file was bgzipped and indexed into the reference folder; ClinVar stays put
    assert (ref / "known" / "dbsnp.vcf.gz").exists() and (ref / "known" / "dbsnp.vcf.gz.tbi").exists()
    assert not (ref / "known" / "clinvar.vcf.gz").exists()
    manifest = json.loads((ref / "manifest.json").read_text())
    assert manifest["gene_models"].endswith("gencode.v44.annotation.gtf")
    assert manifest["clinvar"].endswith("clinvar.vcf.gz") and manifest["dbsnp"].endswith("dbsnp.vcf")
    built = index_path(ref).stat().st_mtime_ns
    install(ref, quiet=True, chains=False)   # what `make run` does later: keeps that index
    assert index_path(ref).stat().st_mtime_ns == built


def test_a_bgzipped_vcf_without_index_is_indexed_into_the_reference_folder(tmp_path):
    vcf = _vcf(tmp_path / "clinvar.vcf", "1", "1\t18826\t12345\tG\tA\t.\t.\tCLNSIG=Pathogenic;RS=1\n")
    pysam.tabix_compress(str(vcf), str(vcf) + ".gz")
    ref = tmp_path / "ref"
    ref.mkdir()
    build_from_gff(CASE / "ENST00000341065.gff", None, ref, clinvar=str(vcf) + ".gz")
    assert (ref / "known" / "clinvar.vcf.gz.tbi").exists()
    assert not (tmp_path / "clinvar.vcf.gz.tbi").exists()


def test_clinvar_without_gene_models_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="--gff3 or --gtf"):
        install(tmp_path, quiet=True, chains=False, clinvar=tmp_path / "c.vcf.gz")


GENCODE_GTF = CSQ_CASES.parent / "gencode_v29_chr1_subset" / "gencode_human.gtf.gz"


def _gtf_pieces(path):
    """{transcript_id: {"exon": [(start0, end)], "CDS": [...], "stop_codon": [...]}} read plainly."""
    out = {}
    with gzip.open(path, "rt") as fh:
        for line in fh:
            f = line.split("\t")
            if line.startswith("#") or len(f) < 9 or f[2] not in ("exon", "CDS", "stop_codon"):
                continue
            tid = f[8].split('transcript_id "')[1].split('"')[0]
            out.setdefault(tid, {}).setdefault(f[2], []).append((int(f[3]) - 1, int(f[4])))
    return out


def test_a_real_gencode_gtf_gives_every_transcript_with_its_stop_codon_in_the_cds(tmp_path):
    transcripts, _ = read_gene_models(GENCODE_GTF)
    pieces = _gtf_pieces(GENCODE_GTF)
    assert len(transcripts) == len(pieces) == 470
    coding = 0
    for t in transcripts:
        p = pieces[t.name.split(".")[0]] if t.name.split(".")[0] in pieces else pieces[t.name]
        assert list(zip(t.exon_starts, t.exon_ends)) == sorted(p["exon"])
        if "CDS" in p:
            coding += 1
            ends = p["CDS"] + p.get("stop_codon", [])
            assert (t.cds_start, t.cds_end) == (min(s for s, _ in ends), max(e for _, e in ends))
    assert coding > 100
    # annotated against the GTF (no FASTA): ENST00000342066.7 (SAMD11-201, + strand) has its first
    # CDS row at 925,942-926,013 with phase 0, so 925,961 is c.20 (codon 7) in exon 2 of 14
    src = write_vcf(tmp_path / "one.vcf", "chr1\t925961\t.\tG\tA\t.\t.\t.\n")
    result = annotate_file(src, tmp_path / "out", gff=GENCODE_GTF)
    rows = {r["Feature"]: r for r in csv.DictReader(open(result.tsv_path), delimiter="\t")}
    mine = rows["ENST00000342066.7"]
    assert (mine["SYMBOL"], mine["STRAND"], mine["EXON"], mine["HGVSc"], mine["Protein_position"]) == \
        ("SAMD11", "1", "2/14", "c.20G>A", "7")
    # no sequence given: the codon change is not guessed, and the entry says why
    assert mine["Consequence"] == "coding_sequence_variant" and mine["Codons"] == ""
    assert mine["NOTE"]
