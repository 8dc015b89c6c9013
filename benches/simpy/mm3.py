#!/usr/bin/env python3
"""The same M/M/3 queue as benches/scale/mm3-million.toml, in SimPy: Poisson arrivals
at 40 per hour, exponential service with a mean of 225 s, 3 servers, FIFO, for 1,042
days (about a million alerts). Prints the alert count and the mean wait in queue, so
the two models can be seen to agree (Erlang C: a = 2.5, rho = 0.833, Wq ~ 316 s).

Install: pip install simpy. Run: /usr/bin/time -f "%e s %M KB" python3 benches/simpy/mm3.py
"""
import random
import sys

import simpy

RATE_PER_S = 40 / 3600
MEAN_SERVICE_S = 225.0
SERVERS = 3
HORIZON_S = 1042 * 86400


def main(seed: int) -> None:
    rng = random.Random(seed)
    env = simpy.Environment()
    analysts = simpy.Resource(env, capacity=SERVERS)
    waits = [0, 0.0]

    def alert(env):
        arrived = env.now
        with analysts.request() as req:
            yield req
            waits[0] += 1
            waits[1] += env.now - arrived
            yield env.timeout(rng.expovariate(1 / MEAN_SERVICE_S))

    def arrivals(env):
        while True:
            yield env.timeout(rng.expovariate(RATE_PER_S))
            env.process(alert(env))

    env.process(arrivals(env))
    env.run(until=HORIZON_S)
    print(f"alerts served {waits[0]}, mean wait in queue {waits[1] / max(waits[0], 1):.1f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
