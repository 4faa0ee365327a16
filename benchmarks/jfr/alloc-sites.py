"""Bytes allocated on turngate's event loops by allocation site, from a JFR recording.

Record with dense allocation samples (one per 4 KiB TLAB; alloc.jfc = the JDK's profile.jfc with the
jdk.ObjectAllocationSample throttle raised to 20000/s), e.g. for HotPathAllocationTest:

  JAVA_TOOL_OPTIONS="-XX:TLABSize=4k -XX:-ResizeTLAB -XX:StartFlightRecording=filename=/tmp/jfr/,settings=alloc.jfc" \
    mvn -B -o -pl turn-server -am test -Dtest=HotPathAllocationTest -Dsurefire.failIfNoSpecifiedTests=false
  jfr print --events jdk.ObjectAllocationSample --stack-depth 16 /tmp/jfr/FILE.jfr | python3 alloc-sites.py 4 25

Arguments: frames per site (default 3), sites shown (default 30). Only threads named turngate-udp* count; samples
with a leak-detector frame are left out (surefire runs Netty's detector at paranoid). The weights are JFR's
estimates: they rank the sites, the thread's allocation counter gives the total.
"""
import sys, re, collections
units = {'bytes': 1, 'byte': 1, 'kB': 1024, 'MB': 1024**2, 'GB': 1024**3}
depth = int(sys.argv[1]) if len(sys.argv) > 1 else 3
sites = collections.Counter(); total = 0; leak = 0
cls = w = th = None; frames = []; instack = False
def flush():
    global total, leak
    if th is None or not th.startswith('turngate-udp'): return
    if any('LeakDetector' in f for f in frames): leak += w; return
    key = cls + '  <-  ' + ' < '.join(frames[:depth])
    sites[key] += w; total += w
for line in sys.stdin:
    s = line.strip()
    if s.startswith('jdk.ObjectAllocationSample'):
        cls = w = th = None; frames = []
    elif s.startswith('objectClass ='):
        cls = s.split('=', 1)[1].split('(')[0].strip()
    elif s.startswith('weight ='):
        v, u = s.split('=', 1)[1].split(); w = float(v) * units[u]
    elif s.startswith('eventThread ='):
        th = s.split('"')[1]
    elif s.startswith('stackTrace = ['):
        instack = True
    elif instack and s == ']':
        instack = False
    elif instack and s != '...':
        frames.append(re.sub(r'\(.*\)', '', s).replace(' line: ', ':'))
    elif s == '}':
        flush(); th = None
print('event-loop sampled bytes: %.0f (leak detector: %.0f)' % (total, leak))
for k, v in sites.most_common(int(sys.argv[2]) if len(sys.argv) > 2 else 30):
    print('%6.2f%% %11.0f  %s' % (100 * v / total, v, k))
