#!/usr/bin/env bash
# gen_man.sh GRIDRES OUT.1 — the man page gridres(1) from the help texts: `gridres --help`
# and every `gridres CMD --help` as sections (help2man is not needed).
set -euo pipefail
G="$1"; OUT="$2"
ver=$("$G" --version | head -1 | awk '{print $2}')
esc() { sed -e 's/\\/\\e/g' -e 's/^\./\\\&./' -e "s/^'/\\\\\&'/"; }
{
  echo ".TH GRIDRES 1 \"\" \"gridres $ver\" \"User Commands\""
  echo ".SH NAME"
  echo "gridres \\- power-grid resilience engine"
  echo ".SH SYNOPSIS"
  echo ".nf"; "$G" --help | sed -n '1,3p' | esc; echo ".fi"
  echo ".SH DESCRIPTION"
  echo ".nf"; "$G" --help | sed '1,4d' | esc; echo ".fi"
  for c in $("$G" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}'); do
    echo ".SH \"gridres $c\""
    echo ".nf"; "$G" "$c" --help | esc; echo ".fi"
  done
  echo ".SH SEE ALSO"
  echo "The documentation in share/doc/gridres (cli.md first)."
} >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
