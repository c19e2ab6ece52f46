"""``pkm sign``: a PAdES signature into one party's signature field of a built PDF, as an incremental update.

The signature is PAdES baseline (B-B, or B-T with a timestamp authority), SHA-256, and fills only a field the
PDF already has (a misspelt party is an error, not a new invisible field). Its appearance names the signer (the
certificate's common name) and the signing time in a font embedded in the file, so the file stays PDF/A-2b.
Nothing is written when anything fails.
"""

from __future__ import annotations

import argparse
import getpass
import io
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ..errors import UsageError
from ..output import write_all
from ..reading import read_bounded

#: A signed agreement is a few hundred KB; more than this is not a PDF pkm-docs built.
MAX_PDF_BYTES = 200 * 1024 * 1024
MAX_P12_BYTES = 1024 * 1024

FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans-Latin.ttf"
STAMP_FONT_SIZE = 7

#: The words of the stamp, in both languages of the agreements pkm-docs writes.
STAMP_TEXT = "Ditandatangani secara elektronik oleh\nDigitally signed by\n%(signer)s\n%(ts)s"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"


@dataclass(frozen=True)
class Field:
    """A signature field of a PDF: its name and whether a signature fills it."""

    name: str
    signed: bool


def signature_fields(data: bytes) -> list[Field]:
    """The signature fields of a PDF, in the order of its form."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    return [Field(str(name), value is not None) for name, value, _ in enumerate_sig_fields(reader)]


def load_signer(p12: bytes, passphrase: bytes | None, name: str):
    """pyHanko's signer from PKCS#12 bytes; a wrong passphrase or a file that is no PKCS#12 is a UsageError."""
    from pyhanko.sign.signers import SimpleSigner

    try:
        return SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=passphrase)
    except (ValueError, TypeError):
        raise UsageError(f"cannot open {name}: wrong passphrase, or not a PKCS#12 (.p12) file",
                         "give the passphrase with --passphrase-file FILE, or type it when asked") from None


def signer_name(signer) -> str:
    """The certificate's common name (else its whole subject): the name the stamp shows."""
    subject = signer.signing_cert.subject
    return str(subject.native.get("common_name") or subject.human_friendly)


def _stamp_style():
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    font = GlyphAccumulatorFactory(str(FONT), font_size=STAMP_FONT_SIZE)
    return TextStampStyle(stamp_text=STAMP_TEXT, timestamp_format=TIME_FORMAT, border_width=1,
                          text_box_style=TextBoxStyle(font=font, font_size=STAMP_FONT_SIZE))


def sign_pdf(data: bytes, *, party: str, signer, reason: str | None = None, tsa_url: str | None = None,
             file_name: str = "the PDF") -> bytes:
    """``data`` with ``signer``'s signature in the field ``party``, appended as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from . import prepare_pyhanko

    from ..renderers.pdf_read import read_pdf_build

    prepare_pyhanko()
    try:
        draft = bool((read_pdf_build(data) or {}).get("draft"))
    except Exception:  # not a PDF pypdf reads: pyHanko below says what is wrong with it
        draft = False
    if draft:
        raise UsageError(f"{file_name} is a draft (built with --draft, marked RANCANGAN / DRAFT on every page)",
                         "build it without --draft, once the checks pass, and sign that")
    try:
        found = signature_fields(data)
    except Exception as exc:  # pyHanko's read errors have no common base
        raise UsageError(f"cannot read {file_name}: not a PDF that can be signed ({exc})") from None
    field = next((f for f in found if f.name == party), None)
    if field is None:
        listed = ", ".join(f"{f.name}{' (signed)' if f.signed else ''}" for f in found) or "none"
        raise UsageError(f"{file_name} has no signature field for the party `{party}`; its fields: {listed}",
                         "give --party the key of a party (or witness) of the agreement, as its .pkm declares it")
    if field.signed:
        raise UsageError(f"the party `{party}` has signed {file_name} already",
                         "each party signs once, into its own field")
    timestamper = None
    if tsa_url:
        from pyhanko.sign.timestamps import HTTPTimeStamper
        timestamper = HTTPTimeStamper(tsa_url)
    if not data.endswith(b"\n"):
        data += b"\n"
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=party, subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", reason=reason, name=signer_name(signer))
    pdf_signer = signers.PdfSigner(meta, signer=signer, timestamper=timestamper, stamp_style=_stamp_style())
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, existing_fields_only=True, output=out,
                            appearance_text_params={"signer": signer_name(signer)})
    except Exception as exc:  # pyHanko's errors have no common base; a network failure of the TSA among them
        raise UsageError(f"cannot sign {file_name}: {exc}") from None
    return out.getvalue()


# ---------------------------------------------------------------- the command

def add_sign_parser(commands: Any) -> None:
    """Register ``pkm sign``."""
    cmd = commands.add_parser("sign", help="sign a built PDF into one party's signature field (PAdES)")
    cmd.add_argument("pdf", type=Path, help="the PDF that `pkm build` wrote (or one signed by other parties since)")
    cmd.add_argument("--party", required=True, help="the key of the party (or witness) who signs, as in the .pkm")
    cmd.add_argument("--p12", type=Path, required=True, help="the signer's certificate and key (PKCS#12, .p12/.pfx)")
    cmd.add_argument("--passphrase-file", type=Path,
                     help="a file holding the .p12's passphrase (default: asked for, when the file needs one)")
    cmd.add_argument("--reason", help="the reason recorded in the signature (e.g. 'Menyetujui / Approved')")
    cmd.add_argument("--tsa", metavar="URL",
                     help="a timestamp authority (RFC 3161) to timestamp the signature; the only network use")
    cmd.add_argument("-o", "--output", type=Path, help="the signed PDF (default: the input, signed in place)")


def _passphrase(args: argparse.Namespace, p12: bytes) -> bytes | None:
    if args.passphrase_file is not None:
        text = read_bounded(args.passphrase_file, 64 * 1024, "passphrase files")
        return text.rstrip(b"\r\n")
    try:
        from cryptography.hazmat.primitives.serialization import pkcs12
        pkcs12.load_key_and_certificates(p12, None)
        return None  # a .p12 without a passphrase
    except ValueError:
        pass
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(f"{args.p12} needs a passphrase", "give it with --passphrase-file FILE")
    return getpass.getpass(f"passphrase of {args.p12.name}: ").encode("utf-8")


def sign_command(args: argparse.Namespace, stdout: TextIO) -> int:
    from . import prepare_pyhanko

    prepare_pyhanko()
    data = read_bounded(args.pdf, MAX_PDF_BYTES, "PDF files")
    p12 = read_bounded(args.p12, MAX_P12_BYTES, "PKCS#12 files")
    signer = load_signer(p12, _passphrase(args, p12), args.p12.name)
    signed = sign_pdf(data, party=args.party, signer=signer, reason=args.reason, tsa_url=args.tsa,
                      file_name=args.pdf.name)
    target = args.output or args.pdf
    write_all({target: signed})
    print(f"signed {target} for `{args.party}` as {signer_name(signer)}", file=stdout)
    if signer.signing_cert.public_key.algorithm != "rsa":
        print(f"note: the key is {signer.signing_cert.public_key.algorithm.upper()}, not RSA: pyHanko marks such a "
              "signed file PDF 2.0, which PDF/A-2b does not allow (pkm verify --preflight says so); a portal that "
              "wants PDF/A may refuse it", file=stdout)
    return 0
