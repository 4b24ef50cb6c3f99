"""``python -m benchmarks``: run every benchmark; the last line printed is the PPO/REINFORCE ratio."""

from .cartpole_solve import main

if __name__ == "__main__":
    main()
