#!/bin/sh
# Fetches the browser files GraphiQL needs (pinned npm releases) into
# assets/vendor/, unmodified, with their licences, and checks them against
# assets/vendor/SHA256SUMS. The server embeds these files, so GraphiQL works
# with no request to another origin.
#
#   tools/fetch_vendor.sh          fetch the pinned versions and check them
#   tools/fetch_vendor.sh --update fetch them and rewrite SHA256SUMS (after
#                                  changing a version below; review the diff)
#
# Needs npm (it downloads from the npm registry and checks each tarball's
# registry integrity) and sha256sum.
set -eu

GRAPHIQL=3.8.3
REACT=18.3.1
GRAPHQL_WS=5.16.2

root=$(cd "$(dirname "$0")/.." && pwd)
vendor="$root/assets/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# package@version, then pairs of (file in the package, file under vendor/)
fetch() {
    spec=$1
    shift
    (cd "$work" && npm pack "$spec" --silent >/dev/null)
    tgz=$(ls "$work"/*.tgz)
    mkdir -p "$work/x"
    tar xzf "$tgz" -C "$work/x"
    while [ $# -gt 0 ]; do
        mkdir -p "$(dirname "$vendor/$2")"
        cp "$work/x/package/$1" "$vendor/$2"
        shift 2
    done
    rm -rf "$work/x" "$tgz"
}

fetch "graphiql@$GRAPHIQL" \
    graphiql.min.js "graphiql-$GRAPHIQL/graphiql.min.js" \
    graphiql.min.css "graphiql-$GRAPHIQL/graphiql.min.css" \
    LICENSE "graphiql-$GRAPHIQL/LICENSE"
fetch "react@$REACT" \
    umd/react.production.min.js "react-$REACT/react.production.min.js" \
    LICENSE "react-$REACT/LICENSE"
fetch "react-dom@$REACT" \
    umd/react-dom.production.min.js "react-dom-$REACT/react-dom.production.min.js" \
    LICENSE "react-dom-$REACT/LICENSE"
fetch "graphql-ws@$GRAPHQL_WS" \
    umd/graphql-ws.min.js "graphql-ws-$GRAPHQL_WS/graphql-ws.min.js" \
    LICENSE.md "graphql-ws-$GRAPHQL_WS/LICENSE.md"

cd "$vendor"
if [ "${1:-}" = "--update" ]; then
    find . -type f ! -name SHA256SUMS ! -name README.md | sort | xargs sha256sum > SHA256SUMS
    echo "wrote $vendor/SHA256SUMS"
else
    sha256sum -c --quiet SHA256SUMS
    echo "assets/vendor matches SHA256SUMS"
fi
