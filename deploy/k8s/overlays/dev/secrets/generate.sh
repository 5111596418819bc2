#!/bin/sh
# Makes this overlay's dev-only secrets, unless they exist: payments-service's webhook secrets
# (stripe-webhook-secret, razorpay-webhook-secret), leads-service's admin password (admin-password) and
# notify-service's Pusher app key and secret (pusher-app-key, pusher-app-secret),
# random for each developer's cluster and not committed; then the JWT key pair (../jwt/generate.sh).
# The images run the prod profile, which refuses the values the services' dev and test profiles
# publish (whsec_leadline_dev_only, razorpay_leadline_dev_only, admin-dev-password), so this overlay
# cannot use those. Read the files to sign test webhooks or to sign in as admin.
set -eu
cd "$(dirname "$0")"
umask 077
random() { head -c 24 /dev/urandom | base64 | tr -d '/+=\n'; }
# no trailing newline: kustomize puts a file's bytes into the Secret as they are
[ -s stripe-webhook-secret ] || printf 'whsec_%s' "$(random)" >stripe-webhook-secret
[ -s razorpay-webhook-secret ] || random >razorpay-webhook-secret
[ -s admin-password ] || random >admin-password
[ -s pusher-app-key ] || random >pusher-app-key
[ -s pusher-app-secret ] || random >pusher-app-secret
echo "dev-only secrets in $(pwd): stripe-webhook-secret, razorpay-webhook-secret, admin-password (user admin), pusher-app-key, pusher-app-secret"
../jwt/generate.sh
