#!/bin/sh
# Makes the JWT key pair this overlay's generators read (RSA 2048, PEM, PKCS#8), unless it exists.
# The files are not committed; each developer's cluster gets its own pair.
set -eu
cd "$(dirname "$0")"
[ -f private.pem ] && [ -f public.pem ] && exit 0
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out private.pem 2>/dev/null
openssl pkey -in private.pem -pubout -out public.pem
chmod 600 private.pem
echo "wrote $(pwd)/private.pem and public.pem"
