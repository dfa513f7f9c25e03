// Fails every invocation with a typed error.
class OrderRejected extends Error {
  constructor(message) {
    super(message);
    this.name = "OrderRejected";
  }
}
export const handler = async () => {
  throw new OrderRejected("order 42 was rejected");
};
