#!/usr/bin/env bash
# Keeps the tree readable: no source file in actors/ or src/ over 500 lines,
# and no function anywhere over 80 lines outside tests. Functions are found
# by Universal Ctags (start and end line of each definition).
#   scripts/check-size.sh        # lists offenders, non-zero if any
set -euo pipefail
cd "$(dirname "$0")/.."
max_file=500
max_function=80
status=0

while IFS= read -r -d '' f; do
  n=$(wc -l <"$f")
  if [ "$n" -gt "$max_file" ]; then
    echo "file over $max_file lines: $f ($n)"
    status=1
  fi
done < <(git ls-files -z -- 'actors/*.cpp' 'actors/*.hpp' 'src/*.cpp' 'src/*.hpp')

mapfile -d '' sources < <(git ls-files -z -- '*.cpp' '*.hpp' ':!:*.test.cpp' ':!:tests/*' \
  ':!:*_harness.cpp' ':!:*/testing/*')
long=$(ctags --languages=C++ --kinds-C++=f --fields=+ne -x \
  --_xformat='%{end} %{line} %F %N' "${sources[@]}" |
  awk -v max="$max_function" '$1 != "-" { n = $1 - $2 + 1; if (n > max) print "function over " max " lines: " $3 ":" $2 " " $4 " (" n ")" }')
if [ -n "$long" ]; then
  echo "$long"
  status=1
fi
[ "$status" -eq 0 ] && echo "sizes: every file and function within limits"
exit "$status"
