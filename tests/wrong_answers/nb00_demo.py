from . import WrongAnswer

WRONG_ANSWERS = [
    WrongAnswer(
        name="list-input",
        answers={"double": "def double(x):\n    return 2 * x\n"},
        scores={"test_double_hidden": 0},
        why="works for scalars only",
    ),
]
