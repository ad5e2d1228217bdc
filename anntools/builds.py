"""Which genome build a VCF is on, from its header.

Evidence, strongest first: ##reference / ##assembly lines; ##contig lengths
(matched against the NCBI assembly reports that bioutils ships); any other
header text naming a reference (e.g. a GATK command line with
reference_sequence=...human_g1k_v37.fasta). With no evidence at all the file is
taken as GRCh38 and the log says so.
"""
import re
from typing import NamedTuple

from . import sources

# First match wins within one piece of evidence, so the specific names come first.
_PATTERNS = [
    ("rCRS", r"rcrs|nc_012920"),
    ("GRCh38", r"grch38|hg38|(?<![a-z0-9])b38(?![0-9])|hs38|gca_000001405\.(1[5-9]|2\d)|gcf_000001405\.(2[6-9]|3\d|4\d)"),
    ("GRCh37", r"grch37|hg19|(?<![a-z0-9])b37(?![0-9])|hs37|_v37|g1k_v37|gcf_000001405\.(1[3-9]|2[0-5])(?!\d)"),
    ("NCBI36", r"ncbi_?36|hg18|(?<![a-z0-9])b36(?![0-9])|_b36|build_?36"),
    ("NCBI35", r"ncbi_?35|hg17"),
    ("NCBI34", r"ncbi_?34|hg16"),
    ("T2T-CHM13", r"chm13|t2t"),
]
# Other species' assemblies, named so that a mouse or fly file is refused, not read as human.
NON_HUMAN = {
    "GRCm39": ("mouse", r"grcm39|(?<![a-z0-9])mm39(?![0-9])"),
    "GRCm38": ("mouse", r"grcm38|(?<![a-z0-9])mm10(?![0-9])"),
    "NCBIM37": ("mouse", r"ncbim37|(?<![a-z0-9])mm9(?![0-9])"),
    "mRatBN7.2": ("rat", r"mratbn7|(?<![a-z0-9])rn[4-7](?![0-9])|rnor_?[56]"),
    "GRCz11": ("zebrafish", r"grcz1[01]|danrer1[01]"),
    "BDGP6": ("fruit fly", r"bdgp[56]|(?<![a-z0-9])dm[36](?![0-9])"),
    "WBcel235": ("worm", r"wbcel235|(?<![a-z0-9])ce1[01](?![0-9])"),
    "R64": ("yeast", r"saccer3|(?<![a-z0-9])r64-"),
    "TAIR10": ("Arabidopsis", r"tair1[01]"),
    "Mmul10": ("macaque", r"mmul_?10|rhemac10"),
    "panTro6": ("chimpanzee", r"pantro[3-6]"),
    "CanFam3.1": ("dog", r"canfam[3-6]"),
}
_PATTERNS += [(build, pattern) for build, (_, pattern) in NON_HUMAN.items()]
_COMPILED = [(b, re.compile(p, re.I)) for b, p in _PATTERNS]
_REF_ARG = re.compile(r"(reference_sequence|reference|--reference|-R|--fasta-ref|-f)[= ]+([^\s,\]\"]+)", re.I)
_CONTIG = re.compile(r"##contig=<(.*)>", re.I)
_ASSEMBLY_FILES = {"GRCh38": "GRCh38.p14", "GRCh37": "GRCh37.p13", "NCBI36": "NCBI36"}

HUMAN_NAMES = {
    "GRCh38": "GRCh38 (hg38)", "GRCh37": "GRCh37 (hg19)", "NCBI36": "NCBI36 (hg18)",
    "NCBI35": "NCBI35 (hg17)", "NCBI34": "NCBI34 (hg16)", "T2T-CHM13": "T2T-CHM13",
    "rCRS": "rCRS (the mitochondrial reference, NC_012920.1)",
    **{build: f"the {species} genome {build}" for build, (species, _) in NON_HUMAN.items()},
}


class Detected(NamedTuple):
    build: str        # one of the names above
    evidence: str     # the header text it came from, for the log
    declared: bool    # False when nothing in the header said, and GRCh38 was assumed


def _match(text):
    for build, rx in _COMPILED:
        if rx.search(text):
            return build
    return None


def contig_lengths(meta):
    """{contig ID: length} from the header's ##contig lines that give one."""
    out = {}
    for line in meta:
        m = _CONTIG.match(line.strip())
        if not m:
            continue
        kv = dict(p.split("=", 1) for p in re.split(r",(?=[A-Za-z_]+=)", m.group(1)) if "=" in p)
        if "ID" in kv and kv.get("length", "").isdigit():
            out[kv["ID"]] = int(kv["length"])
    return out


def _length_hits(build, lengths):
    """The contigs whose ##contig length is that of the same sequence in `build`."""
    by_name = {}
    for s in sources.read_assembly(_ASSEMBLY_FILES[build])["sequences"]:
        for a in [s["name"]] + list(s.get("aliases") or []):
            by_name[a] = s["length"]
    return [c for c, n in lengths.items() if by_name.get(c, by_name.get(c.replace("chr", ""))) == n]


def _by_lengths(lengths):
    """The assembly whose sequence lengths agree with every ##contig length given."""
    best = None
    for build, fname in _ASSEMBLY_FILES.items():
        hits = _length_hits(build, lengths)
        if hits and len(hits) == len(lengths):
            return build, f"##contig lengths of {', '.join(sorted(hits)[:3])}... match {fname}"
        if hits and (best is None or len(hits) > best[2]):
            best = (build, f"{len(hits)} of {len(lengths)} ##contig lengths match {fname}", len(hits))
    return (best[0], best[1]) if best and best[2] * 2 > len(lengths) else (None, None)


def _checked_by_lengths(named, meta):
    """A build named in free text, unless the ##contig lengths (which tools write from the
    FASTA itself) are all another build's and none the named one's."""
    lengths = contig_lengths(meta)
    if not lengths or named.build not in _ASSEMBLY_FILES or _length_hits(named.build, lengths):
        return named
    build, why = _by_lengths(lengths)
    if build is None or len(_length_hits(build, lengths)) < len(lengths):
        return named
    return Detected(build, f"{why}, although the header says {named.evidence}", True)


def detect(meta):
    """Detected build of a VCF from its ## header lines."""
    unknown = None   # a ##reference naming no build we know: said if GRCh38 is assumed
    for line in meta:
        low = line.lower()
        if low.startswith(("##reference", "##assembly")):
            build = _match(line)
            if build:
                return _checked_by_lengths(Detected(build, line.strip(), True), meta)
            unknown = unknown or line.strip()[:160]
    for line in meta:
        if line.lower().startswith("##contig"):
            m = re.search(r"assembly=([^,>]+)", line, re.I)
            if m and _match(m.group(1)):
                return Detected(_match(m.group(1)), line.strip()[:120], True)
    lengths = contig_lengths(meta)
    if lengths:
        build, why = _by_lengths(lengths)
        if build:
            return Detected(build, why, True)
    # A tool's command line naming its reference FASTA (GATK, samtools, bcftools)
    for line in meta:
        for m in _REF_ARG.finditer(line):
            build = _match(m.group(2))
            if build:
                return Detected(build, m.group(0)[:160], True)
    for line in meta:
        if line.lower().startswith(("##fileformat", "##info", "##format", "##filter", "##alt")):
            continue
        build = _match(line)
        if build:
            m = re.search(r"[^\s=,\"]*(" + dict(_PATTERNS)[build] + r")[^\s,\"]*", line, re.I)
            return Detected(build, (m.group(0) if m else line.strip())[:160], True)
    if unknown:
        return Detected("GRCh38", f"the header's {unknown} names no build anntools knows", False)
    return Detected("GRCh38", "the header names no reference genome", False)


# rCRS (NC_012920.1) is the mitochondrion of GRCh37 and GRCh38; NCBI36's assembly report
# has none: its chrM was NC_001807, 16,571 bases.
_MITOCHONDRION = {"rCRS": ("MT", 16569), "NCBI36": ("MT", 16571)}


def contig_header_lines(build, meta, first_chrom, eol="\n"):
    """##contig lines for a header that declares none, so that bcftools, pysam and GATK
    read the annotated VCF without "contig not defined" warnings: the build's chromosomes,
    named as the file names them (1 or chr1, MT or chrM). [] when the header has its own."""
    if build not in _ASSEMBLY_FILES and build != "rCRS":
        return []
    if any(line.lower().startswith("##contig") for line in meta):
        return []
    contigs = [] if build == "rCRS" else \
        [(s["name"], s["length"]) for s in sources.read_assembly(_ASSEMBLY_FILES[build])["sequences"]
         if s["sequence_role"] == "assembled-molecule"]
    if build in _MITOCHONDRION:
        contigs.append(_MITOCHONDRION[build])
    chr_style = (first_chrom or "").lower().startswith("chr")
    mt_name = first_chrom if first_chrom and first_chrom.lower() in ("mt", "chrm", "chrmt", "m") else \
        ("chrM" if chr_style else "MT")
    assembly = "GRCh38" if build == "rCRS" else build
    lines = []
    for name, length in contigs:
        shown = mt_name if name == "MT" else ("chr" + name if chr_style else name)
        lines.append(f"##contig=<ID={shown},length={length},assembly={assembly}>{eol}")
    return lines
