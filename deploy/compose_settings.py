#!/usr/bin/env python3
"""Reads one service's settings from docker-compose.yml as Compose would give them, for deploy/podman-run.

    compose_settings.py COMPOSE_FILE SERVICE environment   -> KEY=VALUE lines (an env file for podman run)
    compose_settings.py COMPOSE_FILE SERVICE build-args    -> KEY=VALUE lines of build.args
    compose_settings.py COMPOSE_FILE SERVICE volumes       -> SOURCE<TAB>TARGET<TAB>MODE lines; SOURCE is an absolute
                                                              path for a bind mount, a bare name for a named volume
    compose_settings.py COMPOSE_FILE SERVICE image         -> the image name

Interpolation follows Compose: ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}, $$,
from this process's environment; YAML anchors and merge keys (<<) are resolved by the YAML reader.
"""
import os
import re
import sys

import yaml

PLACEHOLDER = re.compile(r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def interpolate(value):
    if not isinstance(value, str):
        return value

    def replace(match):
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        operator, argument = match.group(2), match.group(3)
        present = name in os.environ
        current = os.environ.get(name, "")
        if operator in (":-", "-"):
            use_default = not present or (operator == ":-" and current == "")
            return interpolate(argument) if use_default else current
        if operator in (":?", "?"):
            if not present or (operator == ":?" and current == ""):
                sys.exit(f"docker-compose.yml: {name} must be set: {argument}")
            return current
        return current

    return PLACEHOLDER.sub(replace, value)


def text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return interpolate(str(value))


def as_mapping(entries):
    if entries is None:
        return {}
    if isinstance(entries, dict):
        return {key: text(value) for key, value in entries.items()}
    mapping = {}
    for entry in entries:
        key, _, value = interpolate(entry).partition("=")
        mapping[key] = value
    return mapping


def main():
    compose_file, service_name, what = sys.argv[1:4]
    with open(compose_file, encoding="utf-8") as handle:
        compose = yaml.safe_load(handle)
    service = compose["services"][service_name]
    base = os.path.dirname(os.path.abspath(compose_file))
    if what == "environment":
        for key, value in as_mapping(service.get("environment")).items():
            if "\n" in value:
                sys.exit(f"{service_name}: {key} has a line break, which an env file cannot carry")
            print(f"{key}={value}")
    elif what == "build-args":
        for key, value in as_mapping((service.get("build") or {}).get("args")).items():
            print(f"{key}={value}")
    elif what == "volumes":
        for entry in service.get("volumes") or []:
            parts = interpolate(entry).split(":")
            source, target = parts[0], parts[1]
            mode = parts[2] if len(parts) > 2 else "rw"
            if source.startswith((".", "/", "~")):
                source = os.path.normpath(os.path.join(base, os.path.expanduser(source)))
            print(f"{source}\t{target}\t{mode}")
    elif what == "image":
        print(interpolate(service["image"]))
    else:
        sys.exit(f"unknown request {what}")


if __name__ == "__main__":
    main()
