"""``python -m benchmarks``: run every benchmark; prints the course PPO / SB3 PPO speed-up, and last the PPO/REINFORCE ratio."""

from .cartpole_solve import main

if __name__ == "__main__":
    main()
