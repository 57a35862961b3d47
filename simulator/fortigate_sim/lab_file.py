"""The lab description: a lab YAML file (devices, versions, interfaces, configuration, behaviour
switches) read into :class:`~.device.DeviceSpec` records, and the labs embedded in the package."""

from __future__ import annotations

import hashlib
import re
import secrets
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import yaml

from .behaviour import Behaviour
from .device import DeviceSpec
from .versions import FosVersion

if TYPE_CHECKING:
    from .workdir import LabSecrets

DEFAULT_LAB = "kb-exchange-interface-ip"


def labs_dir() -> Path:
    """Embedded labs: ``simulator/labs`` next to the package (editable/source install)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "labs", here / "labs"):
        if candidate.is_dir():
            return candidate
    return Path(str(resources.files("fortigate_sim") / "labs"))


def embedded_lab(name: str = DEFAULT_LAB) -> Path:
    path = labs_dir() / f"{name}.yml"
    if not path.exists():
        raise FileNotFoundError(f"no embedded lab named {name!r} in {labs_dir()}")
    return path


def _token() -> str:
    # FortiOS API keys are 30 characters of [a-zA-Z0-9].
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(30))


def _serial(lab: str, name: str) -> str:
    digest = int(hashlib.sha256(f"{lab}/{name}".encode()).hexdigest(), 16)
    return f"FGVM02TM{digest % 10**8:08d}"


def load_lab(path: Path, lab_secrets: Optional[LabSecrets]) -> tuple[str, list[DeviceSpec]]:
    """Parse a lab YAML file into device specs (``auto`` credentials resolved via secrets)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict) or not isinstance(raw.get("devices"), list) or not raw["devices"]:
        raise ValueError(f"{path}: a lab needs a non-empty 'devices' list")
    lab_name = str(raw.get("lab") or path.stem)
    defaults = raw.get("defaults") or {}
    specs, seen = [], set()
    for entry in raw["devices"]:
        item = {**defaults, **(entry or {})}
        name = str(item.get("name") or "")
        if not re.match(r"^[A-Za-z0-9_.-]{1,35}$", name) or name in seen:
            raise ValueError(f"{path}: device name {name!r} is missing, invalid or duplicated")
        seen.add(name)
        unknown = set(item) - {"name", "hostname", "serial", "version", "build", "admin", "api_token",
                               "api_user", "vdoms", "interfaces", "config", "behaviour", "http", "model",
                               "vdom_mode"}
        if unknown:
            raise ValueError(f"{path}: device {name}: unknown keys {sorted(unknown)}")
        version = FosVersion(str(item.get("version", "7.4.4")))
        admin = item.get("admin") or {}
        resolve = (lab_secrets.resolve if lab_secrets else lambda d, a, v, g: v if v not in (None, "", "auto") else g())
        specs.append(DeviceSpec(
            name=name,
            hostname=str(item.get("hostname") or name),
            serial=str(item.get("serial") or _serial(lab_name, name)),
            version=version,
            build=int(item.get("build") or version.default_build()),
            admin_user=str(admin.get("user", "admin")),
            admin_password=resolve(name, "password", admin.get("password"), lambda: secrets.token_urlsafe(12)),
            api_token=resolve(name, "api_token", item.get("api_token"), _token),
            api_user=str(item.get("api_user", "api-admin")),
            vdoms=tuple(item.get("vdoms") or ("root",)),
            interfaces=[_interface(name, port) for port in item.get("interfaces") or []],
            config=_vdom_mode_config(path, name, item.get("vdom_mode")) + str(item.get("config") or ""),
            behaviour=Behaviour.for_version(version, item.get("behaviour") or {}),
            http=bool(item.get("http", False)),
            model=str(item.get("model", "FGVM64")),
        ))
    return lab_name, specs


def _vdom_mode_config(path: Path, device: str, mode: Any) -> str:
    """``vdom_mode: multi-vdom`` turns VDOMs on even with root only (``system global vdom-mode``),
    so the CLI prompts read ``FGT_1 (root) #`` inside ``config vdom`` as in Fortinet KB 253455."""
    if mode in (None, "no-vdom"):
        return ""
    if mode != "multi-vdom":
        raise ValueError(f"{path}: device {device}: vdom_mode must be no-vdom or multi-vdom, not {mode!r}")
    return "config system global\n    set vdom-mode multi-vdom\nend\n"


def _interface(device: str, port: Any) -> dict:
    if not isinstance(port, dict) or "name" not in port:
        raise ValueError(f"device {device}: each interface needs a name")
    return {k: v for k, v in port.items()}
