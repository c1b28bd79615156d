"""The same job as `influence-lens explain`, written in numpy (the speed baseline of docs/RESULTS.md).

Loads the CSVs, fits multiclass softmax regression (mean-form objective, L2 on weights and biases) by
Newton's method with a dense Hessian and Cholesky, then computes the first-order removal effect of
every training row on one test row. Prints the JSON fields the benchmark compares.
usage: python3 explain_numpy.py TRAIN TEST TEST_INDEX [L2]
CSV reader: pandas.read_csv (C engine) when pandas imports, else np.loadtxt; NUMPY_READER=loadtxt|pandas
forces one. The reader used is printed in the JSON ("reader").
"""
import json, os, resource, sys, time
import numpy as np

t0 = time.perf_counter()
train, test, t = sys.argv[1], sys.argv[2], int(sys.argv[3])
lam = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-3
reader = os.environ.get("NUMPY_READER", "")
if reader != "loadtxt":
    try:
        import pandas as pd
        reader = "pandas.read_csv"
    except ImportError:
        if reader == "pandas":
            raise
        reader = "loadtxt"
if reader == "loadtxt":
    A = np.loadtxt(train, delimiter=",", skiprows=1)
    B = np.loadtxt(test, delimiter=",", skiprows=1)
else:
    A = pd.read_csv(train, dtype=np.float64).to_numpy()
    B = pd.read_csv(test, dtype=np.float64).to_numpy()
y, X = A[:, 0].astype(int), np.hstack([A[:, 1:], np.ones((len(A), 1))])
yt, Xt = B[:, 0].astype(int), np.hstack([B[:, 1:], np.ones((len(B), 1))])
n, D = X.shape
K = y.max() + 1
Y = np.eye(K)[y]
t_load = time.perf_counter()

def probs(W, X):
    Z = X @ W.T
    Z -= Z.max(axis=1, keepdims=True)
    P = np.exp(Z)
    return P / P.sum(axis=1, keepdims=True)

def hessian(W):
    P = probs(W, X)
    H = np.zeros((K * D, K * D))
    for a in range(K):
        for b in range(a, K):
            w = P[:, a] * ((a == b) - P[:, b])
            blk = (X * w[:, None]).T @ X / n
            H[a*D:(a+1)*D, b*D:(b+1)*D] = blk
            H[b*D:(b+1)*D, a*D:(a+1)*D] = blk.T
    return H + lam * np.eye(K * D)

def objective(W):
    Z = X @ W.T
    m = Z.max(axis=1, keepdims=True)
    lse = (m[:, 0] + np.log(np.exp(Z - m).sum(axis=1)))
    return np.mean(lse - Z[np.arange(n), y]) + 0.5 * lam * np.sum(W * W)

# Newton with Armijo backtracking (plain Newton from zero can stall on nearly separable data).
W = np.zeros((K, D))
f = objective(W)
for it in range(50):
    G = (probs(W, X) - Y).T @ X / n + lam * W
    if np.linalg.norm(G) <= 1e-10:
        break
    step = np.linalg.solve(hessian(W), G.ravel()).reshape(K, D)
    alpha = 1.0
    while alpha > 1e-8:
        f_new = objective(W - alpha * step)
        if f_new <= f - 1e-4 * alpha * np.sum(G * step) or np.linalg.norm(G) < 1e-6:
            break
        alpha /= 2
    W -= alpha * step
    f = objective(W)
t_fit = time.perf_counter()
H = hessian(W)
gt = np.outer(probs(W, Xt[t:t+1])[0] - np.eye(K)[yt[t]], Xt[t]).ravel()
s = np.linalg.solve(H, gt).reshape(K, D)
R = probs(W, X) - Y
scores = (np.einsum("ik,kd,id->i", R, s, X) + lam * np.sum(s * W)) / n
t_end = time.perf_counter()
print(json.dumps({"reader": reader, "gradNorm": float(np.linalg.norm(G)), "iterations": it, "scores": scores.tolist(),
                  "timings": {"load": 1e3*(t_load-t0), "fit": 1e3*(t_fit-t_load), "solve+scores": 1e3*(t_end-t_fit)}}))
if os.environ.get("BENCH_REPORT_RSS"):
    print(f"peak-rss-kb:{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
