def hamming_histogram(codes: list[str]) -> list[int]:
    """Compare every pair of strings character by character."""
    length = len(codes[0])
    histogram = [0] * (length + 1)
    m = len(codes)
    for i in range(m):
        for j in range(i + 1, m):
            distance = 0
            for a, b in zip(codes[i], codes[j], strict=True):
                if a != b:
                    distance += 1
            histogram[distance] += 1
    return histogram
