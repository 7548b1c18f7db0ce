"""A generated city: one centre, its town centres and village stations, with their devices.

A city programme this suite serves has 1 centre, 18 town centres and 333 village stations;
`city()` builds that hall file (about 3,100 devices) for the benches and the multi-process
tests: the centre with many windows, towns with a few, villages with one or two; every window
a caller, every hall kiosks and a calling screen.
"""
from __future__ import annotations

from config.schema import (BackendConfig, BrokerConfig, DatabaseConfig, DeviceConfig, HallConfig, HallSuiteConfig,
                           LimitsConfig, ServiceConfig, WindowConfig)

SERVICES = [("A", "综合受理", "General Services", 6.0), ("B", "社保医保", "Social & Medical Insurance", 8.0),
            ("C", "不动产", "Real Estate", 12.0), ("D", "企业开办", "Business Registration", 10.0)]


def hall(hall_id: str, name: str, windows: int, kiosks: int, services: int = 4, daily_limit: int = 999,
         desks: int = 0) -> HallConfig:
    svcs = [ServiceConfig(code=c, name=n, name_en=e, avg_service_min=m, daily_limit=daily_limit)
            for c, n, e, m in SERVICES[:services]]
    codes = [s.code for s in svcs]
    wins = [WindowConfig(number=n, services={codes[(n - 1) % len(codes)]: 1.0,
                                             **({codes[n % len(codes)]: 0.5} if len(codes) > 1 else {})})
            for n in range(1, windows + 1)]
    devices = [DeviceConfig(id=f"{hall_id}-k{i}", role="kiosk") for i in range(1, kiosks + 1)]
    devices += [DeviceConfig(id=f"{hall_id}-c{n}", role="caller", window=n) for n in range(1, windows + 1)]
    devices += [DeviceConfig(id=f"{hall_id}-ws{n}", role="screen", window=n) for n in range(1, windows + 1)]
    devices.append(DeviceConfig(id=f"{hall_id}-s", role="screen"))
    devices += [DeviceConfig(id=f"{hall_id}-desk{n}", role="supervisor") for n in range(1, desks + 1)]
    return HallConfig(id=hall_id, name=name, name_en=hall_id, services=svcs, windows=wins, devices=devices)


def city(*, towns: int = 18, villages: int = 333, centre_windows: int = 80, port: int = 1883,
         database: str = "sqlite:///city.db", peers: int = 0, daily_limit: int = 999) -> HallSuiteConfig:
    halls = [hall("centre", "市政务服务中心", centre_windows, 20, daily_limit=daily_limit, desks=2)]
    halls += [hall(f"town-{i:02d}", f"第{i}镇便民服务中心", 10, 4, daily_limit=daily_limit, desks=1)
              for i in range(1, towns + 1)]
    halls += [hall(f"village-{i:03d}", f"第{i}村便民服务站", 1 + i % 2, 4 if i % 3 == 0 else 3, services=2,
                   daily_limit=daily_limit)
              for i in range(1, villages + 1)]
    return HallSuiteConfig(controller_id="city-controller",
                           controller_peers=[f"city-controller-{n}" for n in range(2, peers + 2)],
                           broker=BrokerConfig(port=port), database=DatabaseConfig(url=database),
                           backend=BackendConfig(), limits=LimitsConfig(requests_per_s=1e4, burst=1e4),
                           halls=halls)


def devices(config: HallSuiteConfig) -> int:
    return sum(len(h.devices) for h in config.halls)
