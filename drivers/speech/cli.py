"""kioskctl speech: say a phrase (to a WAV file or the speaker), play a chime, check the voice."""
from __future__ import annotations

import argparse
import sys

from drivers.cli import EXIT_USAGE, emit
from drivers.core.device import HealthLevel
from drivers.speech.worker import ENGINES, SpeechWorker


def _worker(args: argparse.Namespace) -> SpeechWorker:
    return SpeechWorker(voice=args.voice, engine=args.engine, timeout=getattr(args, "timeout", 10.0))


def _say(args: argparse.Namespace) -> int:
    if not args.chime and not args.text.strip():
        print("kioskctl speech say: give TEXT or --chime", file=sys.stderr)
        return EXIT_USAGE
    with _worker(args) as worker:
        future = worker.chime(args.wav) if args.chime else worker.say(args.text, args.wav, lang=args.lang)
        utt = future.result(timeout=worker.timeout * 4)
    where = utt.path or f"speaker ({utt.playback})"
    emit(args, utt.to_dict(), f"{utt.duration_s:.2f} s via {utt.engine_used} -> {where}")
    return 0 if utt.playback in ("file", "played") else 1


def _check(args: argparse.Namespace) -> int:
    with _worker(args) as worker:
        report = worker.health_check(HealthLevel.EXTERNAL)
    data = report.to_dict()
    text = "\n".join([f"speech: {report.status.state.value} {','.join(report.status.details)}"]
                     + [f"  {k}: {v}" for k, v in report.checks.items()])
    emit(args, data, text)
    return 0 if report.ok else 1


def register(sub, common: argparse.ArgumentParser) -> None:
    engine = argparse.ArgumentParser(add_help=False)
    engine.add_argument("--voice", default="cmn-latn-pinyin", help="espeak-ng voice for Chinese")
    engine.add_argument("--engine", choices=ENGINES, default="pyttsx3")
    speech = sub.add_parser("speech", parents=[common], help="speech announcements")
    cmds = speech.add_subparsers(dest="speech_command", metavar="ACTION", required=True)
    say = cmds.add_parser("say", parents=[common, engine], help="speak TEXT (or write it to --wav)")
    say.add_argument("text", nargs="?", default="", help="what to say, numbers already written out")
    say.add_argument("--wav", help="write a WAV file here instead of playing it")
    say.add_argument("--lang", choices=("zh", "en"), default="zh")
    say.add_argument("--chime", action="store_true", help="the two-tone chime instead of TEXT")
    say.set_defaults(func=_say)
    check = cmds.add_parser("check", parents=[common, engine], help="check engine, voice and player")
    check.set_defaults(func=_check)
