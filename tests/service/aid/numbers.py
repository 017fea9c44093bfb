"""Valid resident ID numbers (GB 11643 check digit) for tests that need many different people."""

from cloudplatform.service.aid.operations import ID_CHECK, ID_WEIGHTS


def id_number(n: int) -> str:
    """The ``n``-th valid ID number of someone born in Baoji on 1980-01-01."""
    body = f"61030219800101{n:03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
