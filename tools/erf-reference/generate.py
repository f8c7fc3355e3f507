"""Reference values of erf, erfc, the activations and their derivatives, from mpmath.
Run: python3 tools/erf-reference/generate.py > backprop-core/tests/data/erf_reference.txt
"""

import math

import mpmath
from mpmath import mpf

# 60 significant digits: far more than the 17 printed, so every value is the exact one
# rounded once, whatever cancellation the closed forms below have at this precision.
mpmath.mp.dps = 60

# The rounded forms of these inputs are the inputs: each x is an f64 taken exactly.
SQRT_2_OVER_PI = mpmath.sqrt(2 / mpmath.pi)
GELU_TANH_CUBIC = mpf("0.044715")


def grid(lo, hi, step):
    """lo, lo + step, ..., hi for a step that is a power of two (so exact)."""
    n = round((hi - lo) / step)
    return [lo + k * step for k in range(n + 1)]


def around(x):
    """x and its neighbours one ulp either side."""
    return [math.nextafter(x, -math.inf), x, math.nextafter(x, math.inf)]


def both_signs(xs):
    return [v for x in xs for v in (x, -x)]


def points(xs):
    """Sorted, without duplicates (0.0 and -0.0 are kept once)."""
    return sorted(set(xs))


TINY = [5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-200, 1e-20, 1e-10, 1e-5, 1e-3]
# fdlibm's interval boundaries, and the cut-offs in erf_f64 / erfc_f64.
BOUNDARIES = [2.0**-56, 2.0**-28, 0.25, 0.84375, 1.25, 1 / 0.35, 6.0, 26.0, 28.0]

ERF_POINTS = points(
    both_signs(TINY)
    + [v for b in BOUNDARIES for v in both_signs(around(b))]
    + grid(-1.0, 1.0, 1 / 64)  # dense near 0
    + grid(-30.0, 30.0, 1 / 8)
    + grid(26.0, 27.25, 1 / 32)  # erfc's tail, down to its underflow past 27.2
    + [0.1, 0.3, 0.7, 1.1, 1.7, 2.3, 3.3, 4.9, 9.7, 15.3, 27.2, 27.3]
)
ERF_GRAD_POINTS = points(both_signs(TINY[:4]) + grid(-27.0, 27.0, 1 / 4) + [0.1, 1.7, 26.6])

GELU_POINTS = points(grid(-38.0, 10.0, 1 / 4) + [1e-300, 1e-10, -1e-10, 0.1, -0.3, 1.7, -5.3])
SILU_POINTS = points(grid(-700.0, -50.0, 50.0) + grid(-50.0, 50.0, 1 / 2) + [1e-10, -0.3, 1.7])
LOG_SIGMOID_POINTS = points(grid(-700.0, 700.0, 50.0) + grid(-50.0, 50.0, 1 / 2) + [1e-10, 0.3])
GELU_TANH_POINTS = points(grid(-21.0, 10.0, 1 / 4) + [1e-10, -0.3, 1.7])
ELU_POINTS = points(grid(-700.0, -50.0, 50.0) + grid(-50.0, 5.0, 1 / 4) + [-1e-10, 1e-10, -0.3])
LOGADDEXP_ARGS = [-700.0, -50.0, -10.0, -3.0, -1.0, -0.5, 0.0, 0.25, 1.0, 3.0, 10.0, 40.0, 1000.0]


def sigma(t):
    return 1 / (1 + mpmath.exp(-t))


def ncdf(x):
    return mpmath.erfc(-x / mpmath.sqrt(2)) / 2


def npdf(x):
    return mpmath.exp(-x * x / 2) / mpmath.sqrt(2 * mpmath.pi)


def gelu_tanh_t(x):
    """2u, where 1 + tanh u = 2σ(2u): the form without cancellation."""
    return 2 * SQRT_2_OVER_PI * (x + GELU_TANH_CUBIC * x**3)


def gelu_tanh_dt(x):
    return 2 * SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_CUBIC * x**2)


UNARY = [
    ("erf", ERF_POINTS, mpmath.erf),
    ("erfc", ERF_POINTS, mpmath.erfc),
    ("erf_grad", ERF_GRAD_POINTS, lambda x: 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-x * x)),
    ("erfc_grad", ERF_GRAD_POINTS, lambda x: -2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-x * x)),
    ("gelu", GELU_POINTS, lambda x: x * ncdf(x)),
    ("gelu_grad", GELU_POINTS, lambda x: ncdf(x) + x * npdf(x)),
    ("silu", SILU_POINTS, lambda x: x * sigma(x)),
    ("silu_grad", SILU_POINTS, lambda x: sigma(x) * (1 + x * sigma(-x))),
    ("log_sigmoid", LOG_SIGMOID_POINTS, lambda x: -mpmath.log1p(mpmath.exp(-x))),
    ("log_sigmoid_grad", LOG_SIGMOID_POINTS, lambda x: sigma(-x)),
    ("gelu_tanh", GELU_TANH_POINTS, lambda x: x * sigma(gelu_tanh_t(x))),
    (
        "gelu_tanh_grad",
        GELU_TANH_POINTS,
        lambda x: sigma(gelu_tanh_t(x)) * (1 + x * gelu_tanh_dt(x) * sigma(-gelu_tanh_t(x))),
    ),
    ("elu", ELU_POINTS, lambda x: x if x > 0 else mpmath.expm1(x)),
    ("elu_grad", ELU_POINTS, lambda x: mpf(1) if x > 0 else mpmath.exp(x)),
]


def logaddexp(a, b):
    return max(a, b) + mpmath.log1p(mpmath.exp(-abs(a - b)))


BINARY = [
    ("logaddexp", logaddexp),
    ("logaddexp_grad_a", lambda a, b: sigma(a - b)),
    ("logaddexp_grad_b", lambda a, b: sigma(b - a)),
]


def show(v):
    return mpmath.nstr(v, 20, min_fixed=-4, max_fixed=8)


def main():
    print(
        "# erf reference values from mpmath %s at %d digits, by tools/erf-reference/generate.py;"
        " lines: name x value, or name a b value" % (mpmath.__version__, mpmath.mp.dps)
    )
    for name, xs, f in UNARY:
        for x in xs:
            print(name, repr(x), show(f(mpf(x))))
    for name, f in BINARY:
        for a in LOGADDEXP_ARGS:
            for b in LOGADDEXP_ARGS:
                print(name, repr(a), repr(b), show(f(mpf(a), mpf(b))))


if __name__ == "__main__":
    main()
