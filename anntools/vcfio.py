"""Read a VCF (3.3 to 4.4, plain/gzip/bgzip) as a stream of lines, and parse one data line.

Lines are decoded with surrogateescape so that writing them back gives the
input bytes exactly, whatever the encoding; CR of CRLF ends is kept with the line.
"""
import gzip
import io
import re
import zlib

from .errors import NotAVcfError

# What reading a damaged gzip raises: EOFError when it breaks off, BadGzipFile (an OSError)
# or zlib.error when a block fails its check.
READ_ERRORS = (EOFError, OSError, zlib.error)

_BASES = re.compile(r"[ACGTNacgtn]+\Z")
_ONE_BASE = frozenset("ACGTNacgtn")   # most REF and ALT: checked without the regex
# ALT forms VCF allows besides plain bases: missing, spanning deletion,
# symbolic (<DEL>, <NON_REF>), breakends (N[2:123[, ]1:5]N, .A, A.).
_SYMBOLIC = re.compile(r"(<[^<>]+>|\*|\.|[ACGTNacgtn]*[\[\]][^\[\]]+[\[\]][ACGTNacgtn]*|\.[ACGTNacgtn]+|[ACGTNacgtn]+\.)\Z")


class LineError(ValueError):
    """A data line that cannot be read; the message is the reason shown in the log."""


class UnplacedLine(LineError):
    """A line read well that has no place on GRCh38 (a liftover chain gap): the summary
    counts these apart, since nothing is wrong with the researcher's file."""


def open_binary(path):
    """The decompressed byte stream, and the raw file (for byte-based progress)."""
    raw = open(path, "rb")
    magic = raw.read(2)
    raw.seek(0)
    if magic == b"\x1f\x8b":
        return io.BufferedReader(gzip.GzipFile(fileobj=raw), 1 << 20), raw
    return io.BufferedReader(raw, 1 << 20), raw


def _looks_binary(chunk):
    if b"\x00" in chunk:
        return True
    text = sum(1 for b in chunk if b in (9, 10, 13) or 32 <= b < 127 or b >= 128)
    return len(chunk) > 0 and text / len(chunk) < 0.95


def read_header(stream, name):
    """Return (meta lines, #CHROM line, first data line or None, its line number).

    Fails fast with NotAVcfError when the file is binary or has no VCF header.
    """
    try:
        head = stream.peek(4096)[:4096]
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        if stream.raw.__class__ is gzip.GzipFile and not isinstance(exc, gzip.BadGzipFile):
            raise   # damaged: the caller counts the lines before the damage (lines_before_damage)
        raise NotAVcfError(f"{name} could not be read as plain or gzip-compressed text ({exc}). "
                           "Use a VCF file (.vcf or .vcf.gz).") from None
    except OSError as exc:
        raise NotAVcfError(f"{name} could not be read as plain or gzip-compressed text ({exc}). "
                           "Use a VCF file (.vcf or .vcf.gz).") from None
    if not head:
        raise NotAVcfError(f"{name} is empty. Use a VCF file with a header and variant lines.")
    if _looks_binary(head):
        raise NotAVcfError(f"{name} is a binary file, not a VCF. Use a VCF (plain text, "
                           "or compressed with gzip/bgzip); BCF and BAM files are not accepted.")
    meta, n = [], 0
    first = head.split(b"\n", 1)[0]
    if b"\r" in first.rstrip(b"\r"):
        raise NotAVcfError(f"{name} has old Mac line ends (CR only), so it reads as one long line. "
                           "Save it with Unix (LF) or Windows (CRLF) line ends and submit it again.")
    for raw in stream:
        n += 1
        line = raw.decode("utf-8", "surrogateescape")
        if n == 1 and line.startswith("\ufeff"):
            line = line[1:]   # a byte-order mark that Windows editors put first
        if line.startswith("##"):
            meta.append(line)
            continue
        if line.startswith("#CHROM") or line.upper().startswith("#CHROM"):
            return meta, line, n
        if not line.strip():
            continue
        break
    if not meta:
        raise NotAVcfError(f"{name} is not a VCF: it has no VCF header (a VCF starts with "
                           "'##fileformat=VCFv4.x' and has a '#CHROM POS ID REF ALT ...' line before "
                           "its variants). Use a VCF file (version 3.3 to 4.4).")
    hint = "" if meta[0].startswith("##fileformat=VCF") else \
        " It does not start with '##fileformat=VCF' either."
    raise NotAVcfError(f"{name} is not a VCF: its header has no '#CHROM POS ID REF ALT ...' line "
                       f"(line {n} is the first that is neither '##' meta nor '#CHROM').{hint} "
                       "Use a VCF file (version 3.3 to 4.4).")


def lines_before_damage(path):
    """Whole lines of a damaged gzip or bgzip before it breaks. zlib is fed small pieces
    directly, so that no decompressed text waiting in a reader's buffer is lost."""
    n, member = 0, zlib.decompressobj(wbits=31)
    with open(path, "rb") as fh:
        try:
            for block in iter(lambda: fh.read(1 << 12), b""):
                while block:
                    n += member.decompress(block).count(b"\n")
                    block = b""
                    if member.eof:   # bgzip: the next member starts in what is left
                        block, member = member.unused_data, zlib.decompressobj(wbits=31)
        except zlib.error:
            pass
    return n


def damaged_message(name, exc, last_good_line):
    what = "breaks off" if isinstance(exc, EOFError) else f"fails its integrity check ({exc})"
    where = "near its start" if not last_good_line else f"after line {last_good_line:,}"
    return (f"{name} is damaged: its compressed data {what} {where}, so the "
            "rest of the file cannot be read. No results are kept from part of a file: compress "
            "the VCF again (gzip or bgzip), check it opens (zcat or bcftools view), and submit it again.")


def first_chrom(stream):
    """CHROM of the first data line, read ahead without consuming it (None if not in the buffer)."""
    for line in stream.peek(1 << 16).split(b"\n"):
        if b"\t" in line and not line.startswith(b"#"):
            return line.split(b"\t", 1)[0].decode("utf-8", "surrogateescape").strip()
    return None


# VCF 3.x, and 4.0 (which has no Number=A, used by the INFO lines anntools adds)
_OLD_FORMAT = re.compile(r"##fileformat=VCFv([0-3]\.|4\.0\b)", re.I)
# VCF 3.3 header lines: ##INFO=DP,1,Integer,"Total Depth" and ##FILTER=q10,"Quality below 10"
_OLD_DEFINITION = re.compile(r'##(INFO|FORMAT)=([^<,][^,]*),([^,]*),([^,]*),"?(.*?)"?\s*\Z', re.I)
_OLD_FILTER = re.compile(r'##FILTER=([^<,][^,]*),"?(.*?)"?\s*\Z', re.I)


def upgrade_header(meta):
    """Meta lines of a VCF 3.x or 4.0 header rewritten as VCF 4.2 (the output declares VCF 4.2
    INFO lines next to them), with ##fileformat first (added if missing); (lines, the input's
    fileformat line when it was older than 4.1, else None)."""
    if not meta or not meta[0].startswith("##fileformat="):
        # VCF readers need the first line to say the version (bcftools: "unknown file type")
        given = [m for m in meta if m.startswith("##fileformat=")]
        first = given[:1] or ["##fileformat=VCFv4.2" + ((split_eol(meta[0])[1] if meta else "") or "\n")]
        meta = first + [m for m in meta if m is not first[0]]
        if given:
            return upgrade_header(meta)
    if not _OLD_FORMAT.match(meta[0]):
        return meta, None
    out = []
    for line in meta:
        content, eol = split_eol(line)
        if _OLD_FORMAT.match(content):
            out.append("##fileformat=VCFv4.2" + eol)
            continue
        m = _OLD_DEFINITION.match(content)
        if m:
            kind, ident, number, kind_type, text = m.groups()
            number = number.strip()
            if not number.isdigit():
                number = "."   # 3.3 wrote -1 or . for "varies"
            text = text.replace('"', "'")
            out.append(f'##{kind.upper()}=<ID={ident.strip()},Number={number},Type={kind_type.strip()},'
                       f'Description="{text}">{eol}')
            continue
        m = _OLD_FILTER.match(content)
        if m:
            out.append(f'##FILTER=<ID={m.group(1).strip()},Description="{m.group(2).replace(chr(34), chr(39))}">{eol}')
            continue
        out.append(line)
    return out, split_eol(meta[0])[0]


def split_eol(line):
    """(content, line end) so the end can be written back unchanged."""
    if line.endswith("\r\n"):
        return line[:-2], "\r\n"
    if line.endswith("\n"):
        return line[:-1], "\n"
    return line, ""


def parse_fields(content):
    """Check a data line; return its fields (list: the 8 fixed columns, then FORMAT and the
    samples as one string, written back as they are) or raise LineError with the reason."""
    fields = content.split("\t", 8)
    if len(fields) < 8:
        if len(fields) == 1 and len(content.split()) >= 8:
            raise LineError("columns are separated by spaces, not tabs")
        raise LineError(f"has {len(fields)} tab-separated column(s); a VCF data line needs at least 8 "
                        "(CHROM POS ID REF ALT QUAL FILTER INFO)")
    # runs once per line: index, not unpack; the common one-base REF and ALT skip the regexes
    pos, ref, alt = fields[1], fields[3], fields[4]
    if not fields[0] or fields[0] == ".":
        raise LineError("CHROM is empty")
    if not pos.isdigit() or (pos[0] == "0" and int(pos) < 1):
        raise LineError(f"POS '{pos[:40]}' is not a positive whole number")
    if ref not in _ONE_BASE and not _BASES.match(ref):
        raise LineError(f"REF '{ref[:40]}' is not made of the bases A, C, G, T, N")
    if alt not in _ONE_BASE:
        for a in alt.split(","):
            if not (a in _ONE_BASE or _BASES.match(a) or _SYMBOLIC.match(a)):
                raise LineError(f"ALT '{a[:40]}' is neither bases (A, C, G, T, N) nor a symbolic allele")
    return fields


def tidy_columns(fields, vcf3=False):
    """Rewrite ID, QUAL and FILTER values that VCF readers misread (htslib reads QUAL 'abc'
    as 0) as '.'; VCF 3.3's FILTER 0 ("passed") as PASS and QUAL -1 ("missing") as '.'.
    Returns what changed, for the log, or '' (3.3's forms are said once, in the header)."""
    said = []
    qual = fields[5]
    if vcf3 and qual == "-1":
        fields[5] = "."
    elif qual != ".":
        try:
            float(qual)
        except ValueError:
            fields[5] = "."
            said.append(f"QUAL '{qual[:40]}' is not a number")
    if vcf3 and fields[6] == "0":
        fields[6] = "PASS"
    elif not fields[6]:
        fields[6] = "."
        said.append("FILTER is empty")
    if not fields[2]:
        fields[2] = "."
        said.append("ID is empty")
    return "; ".join(said) + ": written as '.'" if said else ""


def count_data_lines(path):
    """Data lines in the file (for progress as variants done / total); one fast pass."""
    stream, raw = open_binary(path)
    try:
        total = hashes = 0
        at_line_start = True
        while True:
            block = stream.read(1 << 22)
            if not block:
                break
            total += block.count(b"\n")
            hashes += block.count(b"\n#") + (1 if at_line_start and block[:1] == b"#" else 0)
            at_line_start = block.endswith(b"\n")
        if not at_line_start:
            total += 1
        return max(0, total - hashes)
    except (OSError, EOFError):
        return 0
    finally:
        raw.close()
