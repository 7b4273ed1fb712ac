#!/usr/bin/env bash
# Keeps the tree readable and its layering true:
# - the include arrows point down only: src/ includes neither actors/ nor
#   backends/; a backend includes src/ and its own directory, nothing else;
# - no source file in actors/ or src/ over 500 lines;
# - no function over 80 lines outside tests (found by Universal Ctags, which
#   reports each definition's first and last line).
#   scripts/check-tree.sh        # lists offenders, non-zero if any
set -euo pipefail
cd "$(dirname "$0")/.."
max_file=500
max_function=80
status=0

upward=$(git grep -nE '#include "(actors|backends)/' -- 'src/*' || true)
for dir in backends/*/; do
  b=$(basename "$dir")
  upward+=$(git grep -nE '#include "(actors/|backends/)' -- "$dir" | grep -v "#include \"backends/$b/" || true)
done
if [ -n "$upward" ]; then
  echo "includes against the layering (src <- backends <- actors):"
  echo "$upward"
  status=1
fi

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
[ "$status" -eq 0 ] && echo "tree: layering, file and function sizes within limits"
exit "$status"
