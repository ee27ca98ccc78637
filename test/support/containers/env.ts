/**
 * testcontainers' settings for this machine, set before its first call: no Ryuk reaper
 * (its image would have to be pulled, and no registry is reachable; the launchers
 * remove what they start instead) and mapped ports reached on 127.0.0.1 (the engine runs
 * in the tests' own network namespace, deploy/docker/with-dockerd.sh).
 */
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';

export {};
