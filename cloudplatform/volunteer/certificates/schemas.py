"""The JSON shapes of service certificates: the year asked for, the volunteer's own certificates, what a
verifier sees (the name masked) and a revocation's reason."""

import marshmallow as ma
from marshmallow import fields, validate

from cloudplatform.privacy import mask_name
from cloudplatform.schemas import LocalWhen, Text, When
from cloudplatform.volunteer.certificates.queries import certificate_number

FIRST_YEAR, LAST_YEAR = 2000, 2099


def Hours(example: float) -> fields.Function:
    return fields.Function(
        lambda obj: round(obj.minutes / 60, 1),
        metadata={"type": "number", "description": "the minutes in hours, one decimal", "example": example},
    )


NUMBER = fields.Function(
    certificate_number,
    metadata={
        "type": "string",
        "description": "the certificate's number, printed on it (ZY, the year of issue, the id)",
        "example": "ZY2026-000123",
    },
)
STAR_LEVEL = fields.Integer(
    metadata={
        "description": "star level (0-5) of all the volunteer's confirmed hours when it was issued "
        "(100 / 300 / 600 / 1000 / 1500 hours for one to five stars)",
        "minimum": 0,
        "maximum": 5,
        "example": 1,
    }
)
PERIOD_FROM = fields.Date(
    allow_none=True,
    metadata={
        "description": "first day covered (Beijing); null: since registration (`registered_on`)",
        "example": "2026-01-01",
    },
)
PERIOD_TO = fields.Date(metadata={"description": "last day covered (Beijing)", "example": "2026-12-07"})


class CertificateArgsSchema(ma.Schema):
    year = fields.Integer(
        load_default=None,
        validate=validate.Range(FIRST_YEAR, LAST_YEAR),
        metadata={
            "description": "a calendar year (Beijing) up to this one: the confirmed hours of the shifts "
            "that started in it; omit for all confirmed hours since registration (a later year: 422 "
            "INVALID_CERTIFICATE_YEAR)",
            "example": 2026,
        },
    )


class CertificateSchema(ma.Schema):
    """One of the caller's certificates as issued (the token is not kept: only the image carries it)."""

    id = fields.Integer(metadata={"example": 123})
    number = NUMBER
    minutes = fields.Integer(metadata={"description": "confirmed minutes certified", "example": 6030})
    hours = Hours(100.5)
    star_level = STAR_LEVEL
    period_from = PERIOD_FROM
    period_to = PERIOD_TO
    issued_at = When("created_at", "2026-12-07T00:00:00+00:00", "UTC", dump_only=True)
    issued_at_local = LocalWhen("created_at", "2026-12-07T08:00:00+08:00", "Beijing time")
    revoked = fields.Function(
        lambda obj: obj.revoked_at is not None,
        metadata={
            "type": "boolean",
            "description": "revoked by staff: it verifies as revoked",
            "example": False,
        },
    )
    revoked_at = When("revoked_at", "2026-12-08T02:00:00+00:00", "UTC; null unless revoked", allow_none=True)


class CertificateVerificationSchema(ma.Schema):
    """What whoever scans a certificate's QR code learns: a valid certificate's facts, the name masked."""

    valid = fields.Function(
        lambda obj: True,
        metadata={"type": "boolean", "description": "always true here (else 404 or 410)", "example": True},
    )
    number = fields.Function(
        lambda obj: certificate_number(obj.certificate),
        metadata={"type": "string", "description": "the number printed on it", "example": "ZY2026-000123"},
    )
    name = fields.Function(
        lambda obj: mask_name(obj.volunteer.real_name),
        metadata={"type": "string", "description": "the volunteer's name, masked", "example": "周**"},
    )
    community_name = fields.String(attribute="community.name", metadata={"example": "火炬路社区"})
    minutes = fields.Integer(attribute="certificate.minutes", metadata={"example": 6030})
    hours = fields.Function(
        lambda obj: round(obj.certificate.minutes / 60, 1),
        metadata={"type": "number", "description": "the minutes in hours, one decimal", "example": 100.5},
    )
    star_level = fields.Integer(attribute="certificate.star_level", metadata=STAR_LEVEL.metadata)
    period_from = fields.Date(
        attribute="certificate.period_from", allow_none=True, metadata=PERIOD_FROM.metadata
    )
    period_to = fields.Date(attribute="certificate.period_to", metadata=PERIOD_TO.metadata)
    registered_on = fields.Function(
        lambda obj: obj.registered_on.isoformat(),
        metadata={
            "type": "string",
            "format": "date",
            "description": "the volunteer registered",
            "example": "2025-03-01",
        },
    )
    issued_at = When("certificate.created_at", "2026-12-07T00:00:00+00:00", "UTC", dump_only=True)
    issued_at_local = LocalWhen("certificate.created_at", "2026-12-07T08:00:00+08:00", "Beijing time")


class CertificateRevokeSchema(ma.Schema):
    reason = Text(
        200,
        "时长记录有误，已重新开具",
        "why (required; shown in the console and the audit log)",
        minimum=1,
        required=True,
    )


class RevokedCertificateSchema(CertificateSchema):
    """A certificate revoked by staff, with the volunteer's masked name and the reason."""

    volunteer_name = fields.Function(
        lambda obj: mask_name(obj.volunteer.real_name),
        metadata={"type": "string", "description": "masked", "example": "周**"},
    )
    revoke_reason = fields.String(metadata={"example": "时长记录有误，已重新开具"})
