#!/usr/bin/env python3
"""Time to ready and resident memory of a packaged Quarkus service, per JVM configuration.

For each case the service is started N times (cases interleaved round by round, after one warm-up
start each that is not counted) against a private nats-server and its own PostgreSQL database:
  time to ready = from just before the process is spawned to the first 200 of /q/health/ready on
                  the management port (polled every 5 ms)
  CPU time      = user + system time of all its threads up to that 200 (/proc/PID/stat): the work
                  done, which a busy machine stretches less than the wall-clock time
  RSS           = VmRSS of the process from /proc right after that 200
Prints a Markdown table of medians (and min-max) with the niceness and the load average it ran
under: on a busy machine wall-clock times stretch with the load, CPU times much less; compare cases
of one run. See README.md beside this file.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listens on {port}")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_ms(pid):
    """User + system CPU time the process has used so far (all threads), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def psql(args, sql):
    env = dict(os.environ, PGPASSWORD=args.pg_password)
    subprocess.run(["psql", "-h", args.pg_host, "-U", args.pg_user, "-d", "postgres", "-v", "ON_ERROR_STOP=1",
                    "-q", "-c", sql], check=True, env=env)


def start_once(case, args, env_base, logdir, tag):
    port = free_port()
    management_port = free_port()  # health is served on the management interface, not on the HTTP port
    java = os.path.join(case["java"], "bin", "java")
    cmd = [java, *case["jvm_args"], f"-Dquarkus.http.port={port}", f"-Dquarkus.management.port={management_port}",
           "-jar", "quarkus-run.jar"]
    env = dict(env_base)
    log = open(os.path.join(logdir, f"{case['name']}-{tag}.log"), "w")
    url = f"http://127.0.0.1:{management_port}/q/health/ready"
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=case["app"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{case['name']} exited with {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(url, timeout=1) as r:
                    if r.status == 200:
                        break
            except Exception:
                pass
            if time.monotonic() - t0 > args.timeout:
                raise RuntimeError(f"{case['name']} not ready in {args.timeout}s; see {log.name}")
            time.sleep(0.005)
        ready_ms = (time.monotonic() - t0) * 1000
        rss = rss_kib(proc.pid)
        cpu = cpu_ms(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    started = None
    with open(log.name) as f:
        m = re.search(r"started in ([0-9.]+)s", f.read())
        if m:
            started = float(m.group(1)) * 1000
    return ready_ms, rss, started, cpu


def parse_case(spec):
    # name=jdk25-aot,java=/usr/lib/jvm/…,app=/path/quarkus-app,args=-XX:AOTCache=app.aot -Xshare:auto
    fields = dict(part.split("=", 1) for part in spec.split(",", 3))
    return {"name": fields["name"], "java": fields["java"], "app": fields["app"],
            "jvm_args": fields.get("args", "").split()}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--case", action="append", required=True, type=parse_case,
                   help="name=N,java=JAVA_HOME,app=QUARKUS_APP_DIR[,args=JVM ARGS] (repeatable)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--nats-server", default="/usr/sbin/nats-server")
    p.add_argument("--pg-host", default="127.0.0.1")
    p.add_argument("--pg-user", default="leadline")
    p.add_argument("--pg-password", default="leadline")
    p.add_argument("--db", default="leadline_startup_bench")
    p.add_argument("--db-prefix", default="NOTIFY", help="the service's DB variable prefix (NOTIFY, LEADS, PAYMENTS)")
    p.add_argument("--json", help="also write the raw samples here")
    args = p.parse_args()

    work = tempfile.mkdtemp(prefix="leadline-startup-")
    nats_port = free_port()
    nats = subprocess.Popen([args.nats_server, "-js", "-a", "127.0.0.1", "-p", str(nats_port),
                             "-sd", os.path.join(work, "js")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(nats_port)
        psql(args, f"DROP DATABASE IF EXISTS {args.db}")
        psql(args, f"CREATE DATABASE {args.db}")
        keys = os.path.join(work, "jwt")
        os.makedirs(keys)
        subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                        "-out", os.path.join(keys, "private.pem")], check=True, capture_output=True)
        subprocess.run(["openssl", "pkey", "-in", os.path.join(keys, "private.pem"), "-pubout",
                        "-out", os.path.join(keys, "public.pem")], check=True, capture_output=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JAVA_", "JDK_", "QUARKUS_"))}
        env.update({
            "NATS_URL": f"nats://127.0.0.1:{nats_port}",
            f"{args.db_prefix}_DB_URL": f"jdbc:postgresql://{args.pg_host}:5432/{args.db}",
            f"{args.db_prefix}_DB_USER": args.pg_user,
            f"{args.db_prefix}_DB_PASSWORD": args.pg_password,
            "LEADLINE_JWT_GENERATE": "false",
            "LEADLINE_JWT_KEY_DIR": keys,
            "LEADLINE_JWT_PUBLIC_KEY": os.path.join(keys, "public.pem"),
            "LEADLINE_JWT_PRIVATE_KEY": os.path.join(keys, "private.pem"),
        })
        logdir = os.path.join(work, "logs")
        os.makedirs(logdir)
        samples = {c["name"]: [] for c in args.case}
        load_before = os.getloadavg()[0]
        for c in args.case:  # warm-up: migrates the database, fills the page cache
            start_once(c, args, env, logdir, "warmup")
        for i in range(args.runs):
            for c in args.case:
                ready, rss, started, cpu = start_once(c, args, env, logdir, str(i))
                samples[c["name"]].append({"ready_ms": ready, "rss_kib": rss, "quarkus_started_ms": started,
                                           "cpu_ms": cpu})
                print(f"  {c['name']:<12} run {i + 1}: ready {ready:7.0f} ms  cpu {cpu:7.0f} ms  rss {rss / 1024:6.1f} MiB"
                      f"  (Quarkus 'started in' {started or float('nan'):.0f} ms)", file=sys.stderr)
        load_after = os.getloadavg()[0]
        print(f"<!-- {args.runs} runs per case, interleaved; {os.cpu_count()} CPUs; niceness {os.nice(0)}; "
              f"1-minute load average {load_before:.1f} before, {load_after:.1f} after -->")
        print("| case | time to ready, median (min–max) | CPU time to ready, median | RSS after ready, median (min–max) "
              "| Quarkus \"started in\", median |")
        print("|---|---|---|---|---|")
        for c in args.case:
            s = samples[c["name"]]
            ready = [x["ready_ms"] for x in s]
            rss = [x["rss_kib"] / 1024 for x in s]
            started = [x["quarkus_started_ms"] for x in s if x["quarkus_started_ms"] is not None]
            cpu = [x["cpu_ms"] for x in s]
            started_text = f"{statistics.median(started):.0f} ms" if started else "n/a"
            print(f"| {c['name']} | {statistics.median(ready):.0f} ms ({min(ready):.0f}–{max(ready):.0f}) "
                  f"| {statistics.median(cpu):.0f} ms | {statistics.median(rss):.0f} MiB ({min(rss):.0f}–{max(rss):.0f}) | {started_text} |")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"runs": args.runs, "niceness": os.nice(0), "cases": args.case, "samples": samples,
                           "load_average": [load_before, load_after]}, f, indent=2)
    finally:
        nats.terminate()
        nats.wait()
        try:
            psql(args, f"DROP DATABASE IF EXISTS {args.db}")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
