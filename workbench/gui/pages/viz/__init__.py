"""The Inside-the-network page: filters, feature maps, receptive and effective fields."""
