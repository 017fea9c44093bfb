"""Render deploy/nginx/baoji.conf for a machine that is not the server: loopback, ports and paths of
one's own, and a whole nginx.conf around it for ``nginx -c`` (no root, no running daemon, nothing of
/etc/nginx but mime.types). scripts/prod-local and tests/test_production_rung.py use it.

Each placeholder is replaced exactly where the site has it; a site edited so that one is no longer
found fails here, loudly, rather than rendering a config that points at production paths.
"""

from pathlib import Path

SITE = Path(__file__).with_name("baoji.conf")
MIME_TYPES = "/etc/nginx/mime.types"


def replace_once(text: str, old: str, new: str, count: int = 1) -> str:
    found = text.count(old)
    if found != count:
        raise ValueError(f"deploy/nginx/baoji.conf: expected {count} of {old!r}, found {found}")
    return text.replace(old, new)


def render_site(
    *,
    http_port: int,
    https_port: int,
    upstream: str,
    certificate: str,
    certificate_key: str,
    static_root: str,
    log_dir: str,
    host: str = "127.0.0.1",
    text: str | None = None,
) -> str:
    """The site with its listeners on ``host`` (IPv4 only), gunicorn at ``upstream`` (host:port)."""
    site = SITE.read_text(encoding="utf-8") if text is None else text
    site = replace_once(site, "    listen [::]:80;\n", "")
    site = replace_once(site, "    listen [::]:443 ssl http2;\n", "")
    site = replace_once(site, "listen 80;", f"listen {host}:{http_port};")
    site = replace_once(site, "listen 443 ssl http2;", f"listen {host}:{https_port} ssl http2;")
    site = replace_once(site, "https://$host$request_uri", f"https://$host:{https_port}$request_uri")
    site = replace_once(site, "server 127.0.0.1:8000;", f"server {upstream};")
    site = replace_once(site, "/etc/ssl/baoji/fullchain.pem", certificate)
    site = replace_once(site, "/etc/ssl/baoji/privkey.pem", certificate_key)
    site = replace_once(site, "/opt/baoji/admin/static/", static_root.rstrip("/") + "/")
    site = replace_once(site, "/var/www/letsencrypt", log_dir)
    site = replace_once(site, "/var/log/nginx/", log_dir.rstrip("/") + "/", count=2)
    return site


def main_config(site_path: str, work_dir: str, *, foreground: bool = True) -> str:
    """An nginx.conf of its own that includes the site: pid, logs and temporary files in work_dir."""
    work = work_dir.rstrip("/")
    temp_paths = "\n".join(
        f"    {kind}_temp_path {work}/{kind}_temp;"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""# rendered by deploy/nginx/render.py
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
{"daemon off;" if foreground else ""}

events {{
    worker_connections 256;
}}

http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    access_log {work}/access.log;
{temp_paths}
    include {site_path};
}}
"""


def write_config(work_dir: str, **site_args) -> Path:
    """Write the rendered site and an nginx.conf including it into work_dir; returns nginx.conf's path."""
    work = Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    site = work / "baoji.conf"
    site.write_text(render_site(log_dir=str(work), **site_args), encoding="utf-8")
    conf = work / "nginx.conf"
    conf.write_text(main_config(str(site), str(work)), encoding="utf-8")
    return conf


def self_signed_certificate(work_dir: str, host: str = "127.0.0.1") -> tuple[str, str]:
    """A throwaway certificate for ``host`` (cryptography, installed with wechatpy): (cert, key) paths."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(host)), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    work = Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = work / "cert.pem", work / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    return str(cert_path), str(key_path)
