"""The `yanglao` command: demo, serve, worker, migrate, create-admin, import, manage."""

from __future__ import annotations

import argparse
import getpass
import os
import subprocess
import sys
import time

# The import kinds by name, for the command line (read before Django starts; the same names as
# yanglao.imports.kinds.KINDS — cli tests compare them).
IMPORT_KINDS = (
    "regions",
    "elders",
    "categories",
    "events",
    "facilities",
    "beds",
    "staff",
    "medical_institutions",
    "health_roster",
)


def _var_path(name: str):
    from pathlib import Path

    project = Path(__file__).resolve().parent.parent.parent
    return Path(os.environ.get("YANGLAO_VAR_DIR", project / "var")) / name


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings")
    import django

    django.setup()


def _call(*args: str, **options) -> None:
    from django.core.management import call_command

    call_command(*args, **options)


def cmd_demo(opts) -> int:
    _django()
    from yanglao.accounts.models import User
    from yanglao.demo.generator import (
        build_demo_city,
        logins_path,
        write_devices,
        write_logins,
    )

    address = f"http://{opts.host}:{opts.port}/"
    print("· 数据库迁移 …", flush=True)
    _call("migrate", "--no-input", verbosity=0)
    if not User.objects.exists():
        started = time.monotonic()
        print(f"· 生成演示城市（景德镇，scale={opts.scale}）…", flush=True)
        devices: dict = {}
        logins = build_demo_city(
            scale=opts.scale,
            seed=opts.seed,
            progress=lambda m: print(f"  {m}", flush=True),
            devices_out=devices,
        )
        write_logins(logins, address)
        write_devices(devices)
        print(f"  完成，用时 {time.monotonic() - started:.1f} 秒", flush=True)
    elif not logins_path().exists():
        print(
            "数据库中已有数据，但找不到 var/demo-logins.json；如需重建演示城市，请删除 var/yanglao.sqlite3 后重试。"
        )
    _print_logins(address)
    if opts.no_serve:
        return 0
    return cmd_serve(opts)


def _print_logins(address: str) -> None:
    import json

    from yanglao.demo.generator import logins_path

    path = logins_path()
    if not path.exists():
        return
    data = json.loads(path.read_text())
    print(f"\n养老服务综合信息平台：{address}\n演示账户（亦见 {path}）：")
    for a in data["accounts"]:
        print(
            f"  {a['username']:<10} {a['password']:<14} {a['role_name']:<12} {a['scope']}"
        )
    print(flush=True)


def web_server_command(
    *, server: str, host: str, port: int, workers: int, threads: int
) -> list[str]:
    """granian (HTTP in Rust, Django in its threads) or gunicorn; `yanglao serve` runs it, and the
    benchmarks start exactly this. granian is the default: under 200 API clients it used about a
    fifth less CPU per request than gunicorn's threaded worker (bench/RESULTS.md). Each open
    console stream (/alarms/stream/) holds one of a worker's threads with either."""
    if server == "gunicorn":
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "yanglao.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ]
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--no-ws",
        "--access-log",
        "--respawn-failed-workers",
        "yanglao.wsgi:application",
    ]


def cmd_serve(opts) -> int:
    _django()
    _call("collectstatic", "--no-input", verbosity=0)
    print(f"正在启动：http://{opts.host}:{opts.port}/  （Ctrl-C 停止）", flush=True)
    args = web_server_command(
        server=opts.server,
        host=opts.host,
        port=opts.port,
        workers=opts.workers,
        threads=opts.threads,
    )
    if getattr(opts, "no_worker", False):
        os.execv(sys.executable, args)
    # One background worker beside the web server (imports, later cycles and reports), so a
    # single command runs the whole platform; production may run `yanglao worker` separately.
    import signal

    worker = subprocess.Popen([sys.executable, "-m", "yanglao.cli", "worker"])
    # The alarm clock (escalations, offline devices) beside it; in the demo, simulated terminals.
    clock = subprocess.Popen([sys.executable, "-m", "yanglao.cli", "alarm-clock"])
    helpers = [worker, clock]
    if getattr(opts, "simulate", False) and _var_path("demo-devices.json").exists():
        print(
            "· 模拟终端正在上报（约每分钟出现一条告警；--no-simulate 关闭）", flush=True
        )
        helpers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "yanglao.cli",
                    "simulate-devices",
                    "--url",
                    f"http://{opts.host}:{opts.port}",
                    "--rate",
                    "3",
                    "--duration",
                    "31536000",
                    "--per-device",
                    "--threads",
                    "1",
                    "--sos",
                    "0.01",
                ],
                stdout=subprocess.DEVNULL,
            )
        )
    web = subprocess.Popen(args)

    def stop(*_args) -> None:
        for proc in (web, *helpers):
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = web.wait()
    stop()
    for proc in helpers:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    return code


def cmd_worker(opts) -> int:
    """后台任务. The tasks run in a child process whose memory is capped
    (YANGLAO_WORKER_MEMORY_MB); when the child dies — killed, or out of memory on a file that got
    past the checks — the jobs it was working on are marked failed with the reason and a new
    child takes the next tasks (issue 20, finding 9)."""
    _django()
    if opts.child:
        _call("db_worker")
        return 0
    import signal

    stopping = False
    child: subprocess.Popen | None = None

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        child = subprocess.Popen(
            [sys.executable, "-m", "yanglao.cli", "worker", "--child"],
            preexec_fn=_cap_memory,  # noqa: PLW1509 — sets a limit, starts no thread
        )
        code = child.wait()
        if stopping:
            return 0
        _jobs_of_a_dead_worker(code)
        time.sleep(1)


def _cap_memory() -> None:
    import resource

    megabytes = int(os.environ.get("YANGLAO_WORKER_MEMORY_MB", "4096"))
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _jobs_of_a_dead_worker(code: int) -> None:
    from yanglao.imports.services import import_jobs_interrupted

    how = f"信号 {-code}" if code < 0 else f"退出码 {code}"
    failed = import_jobs_interrupted(
        reason=f"后台任务进程异常退出（{how}，可能是文件过大或已损坏），未导入任何数据；请检查文件后重新上传"
    )
    print(
        f"· 后台任务进程异常退出（{how}），已重启；{failed} 个导入任务标记为失败",
        flush=True,
    )


def cmd_migrate(opts) -> int:
    _django()
    _call("migrate", "--no-input")
    return 0


def cmd_create_admin(opts) -> int:
    _django()
    from yanglao.accounts.services import user_create
    from yanglao.core.errors import ValidationFailed

    password = os.environ.get("YANGLAO_ADMIN_PASSWORD") or getpass.getpass(
        "新管理员的密码："
    )
    try:
        user = user_create(
            by=None,
            username=opts.username,
            password=password,
            role="admin",
            full_name=opts.name or "",
        )
    except ValidationFailed as exc:
        for field, reason in exc.errors.items():
            print(f"错误：{field}：{reason}", file=sys.stderr)
        return 2
    print(f"已创建系统管理员 {user.username}")
    return 0


def cmd_import(opts) -> int:
    _django()
    from yanglao.accounts.models import User

    by = User.objects.filter(username=opts.user).first()
    if by is None:
        print(
            f"错误：账户 {opts.user} 不存在（用 --user 指定执行导入的管理员账户）",
            file=sys.stderr,
        )
        return 2
    with open(opts.file, "rb") as fh:
        data = fh.read()
    if opts.kind == "assessments":
        return _import_assessments(by, data, opts.dry_run)
    if opts.kind == "boundaries":
        return _import_boundaries(by, data, opts.dry_run)
    return _import_file(by, opts.kind, opts.file, data, opts.dry_run)


def _import_file(by, kind: str, path: str, data: bytes, dry_run: bool) -> int:
    """Check the file (and unless --dry-run, import it in one transaction) in this process."""
    from yanglao.core.errors import ValidationFailed
    from yanglao.imports import services

    try:
        job = services.import_upload(
            by=by, kind=kind, file_name=os.path.basename(path), data=data
        )
    except ValidationFailed as exc:
        print("；".join(exc.errors.values()), file=sys.stderr)
        return 2
    job = (
        services.import_check(job=job)
        if dry_run
        else services.import_now(by=by, job=job)
    )
    for sheet, row, column, value, reason in job.errors:
        print(f"{sheet} 第{row}行 {column}“{value}”：{reason}", file=sys.stderr)
    counts = job.counts
    summary = f"新增 {counts.get('new', 0)}，更新 {counts.get('updated', 0)}，未变 {counts.get('unchanged', 0)}"
    if job.status == "failed" or job.errors:
        print(f"{job.message}（{summary}）；未写入任何数据。", file=sys.stderr)
        return 1
    if dry_run:
        print(f"检查通过：将{summary}。")
        return 0
    print(f"已导入（导入记录 #{job.pk}）：{summary}。")
    return 0 if job.status == "done" else 1


def _import_boundaries(by, data: bytes, dry_run: bool) -> int:
    from yanglao.core.errors import ValidationFailed
    from yanglao.regions.services import boundaries_import_geojson

    try:
        result = boundaries_import_geojson(by=by, data=data, dry_run=dry_run)
    except ValidationFailed as exc:
        print("；".join(exc.errors.values()), file=sys.stderr)
        return 2
    for number, code, reason in result.errors:
        where = f"第{number}个要素" if number else "文件"
        print(f"{where}{f'（{code}）' if code else ''}：{reason}", file=sys.stderr)
    if result.errors:
        print("未写入任何边界。", file=sys.stderr)
        return 1
    if dry_run:
        print(f"检查通过：将写入 {result.created} 个区划边界。")
        return 0
    print(f"已导入区划边界：新增 {result.created}，替换 {result.updated}。")
    return 0


def _import_assessments(by, data: bytes, dry_run: bool) -> int:
    from yanglao.assessments.imports import import_historical_csv

    report = import_historical_csv(by=by, data=data, dry_run=dry_run)
    for row, column, value, reason in report.errors:
        print(f"第{row}行 {column}“{value}”：{reason}", file=sys.stderr)
    if report.errors:
        print(f"有 {len(report.errors)} 处错误，未写入任何数据。", file=sys.stderr)
        return 1
    verb = "检查通过，将导入" if dry_run else "已导入"
    print(f"{verb} {report.created} 条历史评估结果。")
    return 0


def cmd_visits_roster(opts) -> int:
    """Build (or bring up to date) a month's visit roster and plan; a daily job in production."""
    import datetime as dt

    _django()
    from yanglao.visits.services import roster_build

    try:
        month = (
            dt.datetime.strptime(opts.month, "%Y-%m").date()
            if opts.month
            else dt.date.today()
        )
    except ValueError:
        print("错误：--month 的格式应为 2026-11", file=sys.stderr)
        return 2
    started = time.monotonic()
    counts = roster_build(month=month)
    print(
        f"{month:%Y年%m月}探访名单：{counts['rostered']:,} 人（新增 {counts['added']:,}，移出 {counts['removed']:,}，"
        f"规则变化 {counts['changed']:,}，未分配探访人 {counts['unassigned']:,}），用时 {time.monotonic() - started:.1f} 秒"
    )
    return 0


def cmd_benefits_cycle(opts) -> int:
    """Compute a month's subsidy cycle for a region (it still needs approval on the cycle page)."""
    import datetime as dt

    _django()
    from yanglao.accounts.models import User
    from yanglao.benefits import services
    from yanglao.core.errors import ValidationFailed
    from yanglao.regions.models import Region

    try:
        month = (
            dt.datetime.strptime(opts.month, "%Y-%m").date()
            if opts.month
            else dt.date.today()
        )
    except ValueError:
        print("错误：--month 的格式应为 2026-11", file=sys.stderr)
        return 2
    user = User.objects.filter(username=opts.user).first()
    region = Region.objects.filter(code=opts.region).first()
    if user is None or region is None:
        print(
            f"错误：账户 {opts.user} 或区划代码 {opts.region} 不存在", file=sys.stderr
        )
        return 2
    try:
        cycle = services.cycle_start(by=user, month=month, region=region)
    except ValidationFailed as exc:
        print("错误：" + "；".join(exc.errors.values()), file=sys.stderr)
        return 2
    cycle = services.cycle_run(cycle.pk)
    if cycle.status != cycle.Status.COMPUTED:
        print(f"计算失败：{cycle.error}", file=sys.stderr)
        return 1
    total = cycle.totals.get("total_fen", 0)
    print(
        f"{cycle}：复核 {cycle.people:,} 人，合计 {total / 100:,.2f} 元，用时 {cycle.seconds:.1f} 秒；待审批"
    )
    return 0


def cmd_assessment_score(opts) -> int:
    """Read one answers document (JSON) on stdin, print the GB/T 42195-2022 result on stdout."""
    import json

    from yanglao.assessments.scoring import InvalidAnswers, parse_answers, score

    try:
        doc = json.load(sys.stdin)
    except ValueError as exc:
        print(
            json.dumps(
                {"errors": {"__root__": f"不是有效的 JSON：{exc}"}}, ensure_ascii=False
            ),
            file=sys.stderr,
        )
        return 2
    try:
        result = score(parse_answers(doc))
    except InvalidAnswers as exc:
        print(
            json.dumps({"errors": exc.errors}, ensure_ascii=False, indent=2),
            file=sys.stderr,
        )
        return 2
    print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    return 0


def cmd_mqtt_bridge(opts) -> int:
    """Subscribe to the broker (shared subscription) and store device messages; Ctrl-C stops."""
    import signal
    import socket
    import threading

    _django()
    from django.conf import settings

    from yanglao.alarms.mqtt import Bridge

    client_id = opts.client_id or f"yanglao-bridge-{socket.gethostname()}"
    bridge = Bridge(
        opts.url or settings.MQTT_URL,
        client_id=client_id,
        batch=opts.batch,
        batch_bytes=opts.batch_kb * 1024,
        threads=opts.threads,
        processes=opts.processes,
        group=opts.group,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(
        f"MQTT 桥接：{bridge.host}:{bridge.port}，客户端 {client_id}，订阅 {bridge.topic}",
        flush=True,
    )
    bridge.run(stop)
    return 0


def cmd_alarm_clock(opts) -> int:
    """The alarm timers: escalate unacknowledged alarms, raise offline/no-activity alarms, and once
    an hour delete readings past the retention period; each minute also escalate home-care orders
    left unaccepted and rectification orders past their deadline."""
    import signal
    import threading

    _django()
    from django.db import close_old_connections

    from yanglao.alarms import services
    from yanglao.homecare.services import escalate_unaccepted
    from yanglao.supervision.services import escalate_overdue

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    # The indicators of this month and year, recomputed each minute beside the alarm timers (in
    # their own thread: a city's recompute takes seconds, an alarm's escalation must not wait).
    threading.Thread(target=_indicator_refresh, args=(stop,), daemon=True).start()
    next_prune = next_escalation = 0.0
    while not stop.is_set():
        try:
            services.tick()
            if time.monotonic() >= next_escalation:
                escalate_unaccepted()
                escalate_overdue()
                next_escalation = time.monotonic() + 60
            if time.monotonic() >= next_prune:
                services.prune_readings()
                next_prune = time.monotonic() + 3600
        except Exception as exc:  # the database restarting must not stop the clock
            print(f"alarm-clock: {exc}", file=sys.stderr, flush=True)
        close_old_connections()
        stop.wait(opts.interval)
    return 0


def _indicator_refresh(stop) -> None:
    from django.db import close_old_connections

    from yanglao.indicators.services import refresh_current

    while not stop.is_set():
        try:
            refresh_current(max_age_seconds=55)
        except (
            Exception
        ) as exc:  # a missing catalogue or a restarting database: try again
            print(f"indicators: {exc}", file=sys.stderr, flush=True)
        close_old_connections()
        stop.wait(60)


def cmd_simulate_devices(opts) -> int:
    """Send realistic telemetry from the devices in --devices-file (the demo writes one)."""
    from yanglao.alarms import simulate

    devices, gateway = simulate.load_devices(opts.devices_file)
    if opts.devices:
        devices = devices[: opts.devices]
    if not devices:
        print("错误：设备清单为空", file=sys.stderr)
        return 2
    stream = simulate.Telemetry(
        opts.seed,
        sos=opts.sos,
        fall=opts.sos / 2,
        episode=opts.sos,
        high_bp=opts.sos / 3,
    )
    print(
        f"模拟 {len(devices)} 台终端，{opts.rate} 条读数/秒，经 {opts.via}，{opts.duration} 秒 …",
        flush=True,
    )
    started = time.monotonic()
    if opts.via == "http":
        counts = simulate.run_http(
            devices,
            url=opts.url,
            rate=opts.rate,
            duration=opts.duration,
            batch=opts.batch,
            gateway=gateway if not opts.per_device else None,
            threads=opts.threads,
            seed=opts.seed,
            stream=stream,
        )
    else:
        counts = simulate.run_mqtt(
            devices,
            broker=opts.broker,
            rate=opts.rate,
            duration=opts.duration,
            per_message=opts.per_message,
            seed=opts.seed,
            stream=stream,
        )
    seconds = time.monotonic() - started
    print(
        f"已确认 {counts.acked:,} 条消息（{counts.readings_acked:,} 条读数，{counts.readings_acked / seconds:,.0f} 条/秒），"
        f"其中应报警 {len(counts.alarm_worthy)} 条；失败重试 {counts.failed} 次"
    )
    return 0


def cmd_indicators_recompute(opts) -> int:
    """Compute every indicator for every region, for a year and each of its months, with
    progress; --install first writes the shipped catalogue (and the demo city's targets)."""
    _django()
    from django.utils import timezone

    from yanglao.indicators import services

    if opts.install:
        print(f"指标目录：{services.catalogue_install()} 个指标", flush=True)
    year = opts.year or timezone.localdate().year
    took = services.recompute_year(year, report=lambda m: print("  " + m, flush=True))
    print(f"完成：{len(took)} 个统计期，用时 {sum(took.values()):.1f} 秒")
    return 0


def cmd_supervision_verify_draw(opts) -> int:
    """Re-derive a published 双随机 draw from its record alone (supervision.draw: no database)."""
    import json

    from yanglao.supervision.draw import verify

    try:
        with open(opts.file, encoding="utf-8") as fh:
            record = json.load(fh)
    except (OSError, ValueError) as exc:
        print(f"错误：无法读取抽取记录 {opts.file}：{exc}", file=sys.stderr)
        return 2
    problems = verify(record)
    if problems:
        for p in problems:
            print(f"✗ {p}", file=sys.stderr)
        return 1
    print(
        f"✓ 复核通过：承诺值 {record['commitment']}，公开随机数 {record['public_random']}，"
        f"抽中 {len(record['objects'])} 个对象、{len(record['teams'])} 个检查组，与记录一致。"
    )
    return 0


def cmd_manage(opts) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yanglao.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yanglao manage", *opts.args])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="yanglao", description="养老服务综合信息平台")
    sub = parser.add_subparsers(dest="command", required=True)

    def server_options(p):
        p.add_argument("--host", default=os.environ.get("YANGLAO_HOST", "127.0.0.1"))
        p.add_argument(
            "--port", type=int, default=int(os.environ.get("YANGLAO_PORT", "8000"))
        )
        p.add_argument(
            "--workers", type=int, default=int(os.environ.get("YANGLAO_WORKERS", "2"))
        )
        p.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("YANGLAO_THREADS", "16")),
            help="每个进程的线程数（每个打开的接警台推送占用一个；只服务 API 的进程 4 个即可）",
        )
        p.add_argument(
            "--server",
            choices=["granian", "gunicorn"],
            default=os.environ.get("YANGLAO_SERVER", "granian"),
            help="网页服务器（默认 granian）",
        )
        p.add_argument(
            "--no-worker",
            action="store_true",
            help="不在本进程旁启动后台任务进程（另行运行 yanglao worker 时使用）",
        )

    p = sub.add_parser("demo", help="迁移数据库、生成演示城市并启动服务")
    p.add_argument(
        "--scale",
        type=float,
        default=0.02,
        help="规模（1 为全市 26.9 万名60岁以上老人；默认 0.02）",
    )
    p.add_argument("--seed", type=int, default=20210301)
    p.add_argument("--no-serve", action="store_true", help="只生成数据，不启动服务")
    p.add_argument(
        "--no-simulate",
        dest="simulate",
        action="store_false",
        help="不启动模拟终端（演示中默认每秒上报几条读数）",
    )
    server_options(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "serve", help="启动网页和 API 服务（granian，或 --server gunicorn）"
    )
    server_options(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="运行后台任务（子进程异常退出时自动重启）")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_worker)
    sub.add_parser("migrate", help="数据库迁移").set_defaults(func=cmd_migrate)

    p = sub.add_parser(
        "create-admin",
        help="创建系统管理员（密码从提示或 YANGLAO_ADMIN_PASSWORD 读取）",
    )
    p.add_argument("username")
    p.add_argument("--name", default="")
    p.set_defaults(func=cmd_create_admin)

    p = sub.add_parser(
        "import",
        help="导入数据文件（.xlsx/.csv）：elders 老年人花名册、categories 困难类别名单、events 死亡/迁移名单、"
        "facilities 机构名单、beds 床位名单、staff 从业人员名单、regions 区划代码；assessments 历史评估结果（CSV）；"
        "boundaries 区划边界（GeoJSON，要素属性含 区划代码/code/adcode）；medical_institutions 医疗机构名单、"
        "health_roster 家庭医生签约及健康服务名单",
    )
    p.add_argument("kind", choices=[*IMPORT_KINDS, "assessments", "boundaries"])
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--user", default="admin", help="执行导入的账户（决定管辖范围）")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("visits", help="探访关爱")
    visits = p.add_subparsers(dest="visits_command", required=True)
    roster = visits.add_parser("roster", help="生成或更新某月探访名单（默认本月）")
    roster.add_argument("--month", default="", help="如 2026-11")
    roster.set_defaults(func=cmd_visits_roster)

    p = sub.add_parser("supervision", help="综合监管")
    sup = p.add_subparsers(dest="supervision_command", required=True)
    ver = sup.add_parser(
        "verify-draw", help="按公开方法复核一次双随机抽取（只需抽取记录文件）"
    )
    ver.add_argument("file", help="公示页面下载的抽取记录 .json")
    ver.set_defaults(func=cmd_supervision_verify_draw)

    p = sub.add_parser("indicators", help="指标与规划目标")
    ind = p.add_subparsers(dest="indicators_command", required=True)
    rec = ind.add_parser("recompute", help="重新计算某年及各月的全部指标（默认本年）")
    rec.add_argument("--year", type=int, default=0)
    rec.add_argument("--install", action="store_true", help="先写入随附的指标目录")
    rec.set_defaults(func=cmd_indicators_recompute)

    p = sub.add_parser("benefits", help="补贴津贴")
    benefits = p.add_subparsers(dest="benefits_command", required=True)
    cycle = benefits.add_parser("cycle", help="计算某月某地区的发放周期（默认本月）")
    cycle.add_argument("--month", default="", help="如 2026-11")
    cycle.add_argument("--region", default="360200", help="区划代码（默认景德镇市）")
    cycle.add_argument(
        "--user", default="city", help="计算人账户（须为民政局工作人员）"
    )
    cycle.set_defaults(func=cmd_benefits_cycle)

    p = sub.add_parser("assessment", help="老年人能力评估（GB/T 42195-2022）")
    assessment = p.add_subparsers(dest="assessment_command", required=True)
    assessment.add_parser(
        "score", help="从标准输入读取评估答案（JSON），输出评分和等级"
    ).set_defaults(func=cmd_assessment_score)

    p = sub.add_parser(
        "mqtt-bridge", help="从 MQTT 代理接收终端消息并保存（可多个并行）"
    )
    p.add_argument(
        "--url", default="", help="如 mqtt://127.0.0.1:1883（默认 YANGLAO_MQTT_URL）"
    )
    p.add_argument(
        "--client-id", default="", help="固定的客户端编号（重启后取回未确认消息）"
    )
    p.add_argument(
        "--batch", type=int, default=500, help="每批最多的 MQTT 消息数（默认 500）"
    )
    p.add_argument(
        "--batch-kb",
        type=int,
        default=64,
        help="每批最多的消息体积，KB（默认 64，约 500 条读数消息；批越小告警越快送达）",
    )
    p.add_argument(
        "--processes",
        type=int,
        default=2,
        help="解析并保存批次的工作进程数（默认 2；0 表示在本进程内用 --threads 个线程）",
    )
    p.add_argument(
        "--threads",
        type=int,
        default=2,
        help="--processes 0 时同时保存批次的线程数（默认 2）",
    )
    p.add_argument(
        "--group", default="", help="共享订阅组名（多个桥接进程分担负载时使用）"
    )
    p.set_defaults(func=cmd_mqtt_bridge)

    p = sub.add_parser(
        "alarm-clock",
        help="定时检查：告警超时升级、设备离线、长时间无活动，工单超时未受理",
    )
    p.add_argument("--interval", type=float, default=5.0, help="检查间隔（秒）")
    p.set_defaults(func=cmd_alarm_clock)

    p = sub.add_parser("simulate-devices", help="模拟智能终端上报（演示和压测）")
    p.add_argument(
        "--devices", type=int, default=0, help="使用清单中的前 N 台（默认全部）"
    )
    p.add_argument("--rate", type=float, default=5.0, help="每秒读数条数")
    p.add_argument("--via", choices=["http", "mqtt"], default="http")
    p.add_argument("--duration", type=float, default=60.0, help="持续秒数")
    p.add_argument("--devices-file", default=str(_var_path("demo-devices.json")))
    p.add_argument("--url", default="http://127.0.0.1:8000")
    p.add_argument(
        "--broker", default=os.environ.get("YANGLAO_MQTT_URL", "mqtt://127.0.0.1:1883")
    )
    p.add_argument(
        "--batch", type=int, default=200, help="HTTP 每批消息数（经厂商网关）"
    )
    p.add_argument(
        "--per-device", action="store_true", help="HTTP 不经网关，每台终端用自己的密钥"
    )
    p.add_argument(
        "--per-message", type=int, default=1, help="MQTT 每条消息携带的缓存读数组数"
    )
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--sos", type=float, default=0.0005, help="每条消息为一键呼叫的概率")
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=cmd_simulate_devices)

    p = sub.add_parser("manage", help="Django 管理命令")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)

    opts = parser.parse_args(argv)
    return opts.func(opts)


if __name__ == "__main__":
    sys.exit(main())
